/**
 * What an artist's option describes, from the key of its group. The idea fixes the subject, the
 * action and the setting, so options of those roles are suggestions; the rest (a creature's
 * look, an expression, a prop) add detail. Technical groups that set the light or the colour
 * share a slot with the universal lighting and palette choices, so two of them can collide.
 */

/** The part of the scene an option fills. */
export type SceneRole = "subject" | "setting" | "action" | "detail";

const SUBJECT_KEYS = new Set(["creature", "entity", "pantheon", "program", "structure"]);

const SETTING_KEYS = new Set([
  "backdrop",
  "city",
  "foreground",
  "habitat",
  "location",
  "place",
  "room",
  "setting",
  "staging",
  "street",
  "terrain",
]);

const ACTION_KEYS = new Set([
  "action",
  "animal_behaviour",
  "battle",
  "drama",
  "moment",
  "ritual",
  "story_moment",
  "transformation",
]);

/** The role of a scene option, from its group key (`location`, `ghibli_scene`, `creature`…). */
export function sceneRole(key: string): SceneRole {
  if (SUBJECT_KEYS.has(key)) return "subject";
  if (SETTING_KEYS.has(key) || key.endsWith("_scene")) return "setting";
  if (ACTION_KEYS.has(key)) return "action";
  return "detail";
}

/** The slot a technical group fills: its own, or lighting and palette where it sets those. */
export function technicalSlot(key: string): "technical" | "lighting" | "palette" {
  if (key === "lighting") return "lighting";
  if (key === "tone") return "palette";
  return "technical";
}

/**
 * A genre as a short phrase without repeated words: "High Fantasy" in "Fantasy Art" is "high
 * fantasy art", "Studio Ghibli" in "Anime/Manga" is "studio ghibli anime".
 */
export function genrePhrase(typeName: string | undefined, categoryName: string): string {
  const catWords = categoryName.toLowerCase().split(/\s+/).map((w) => w.split("/")[0]!);
  if (!typeName) return catWords.join(" ");
  const typeWords = typeName.toLowerCase().split(/\s+/);
  return [...typeWords, ...catWords.filter((w) => !typeWords.includes(w))].join(" ");
}
