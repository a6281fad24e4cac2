import { AppError, badInput } from "../app/errors.ts";
import type { Selections } from "../prompt/assembly.ts";
import type { CustomPreset, CustomPresetStore } from "./custom_store.ts";

/** Longest name of a pack saved from the page. */
export const MAX_PACK_NAME = 60;

/**
 * Saves the page's current explorer and atmosphere choices as the user's own pack: it needs a
 * name that is free and a category, type and artist (what every pack holds).
 */
export function savePack(
  store: Pick<CustomPresetStore, "nameTaken" | "create">,
  input: { name: string; selections: Selections; description: string },
): CustomPreset {
  const name = input.name.trim();
  if (!name || name.length > MAX_PACK_NAME) {
    throw badInput(`pack_name: give your pack a name of up to ${MAX_PACK_NAME} characters`);
  }
  const s = input.selections;
  if (!s.category || !s.type || !s.artist) {
    throw badInput(
      "pack: choose a category, type and artist in the Style explorer first; a pack keeps those with their options and the atmosphere",
    );
  }
  if (store.nameTaken("packs", name)) {
    throw new AppError(
      409,
      "Conflict",
      `pack_name: you already have a pack named “${name}”; pick another name`,
      "conflict",
    );
  }
  const selections: Record<string, unknown> = {
    category: s.category,
    type: s.type,
    artist: s.artist,
  };
  for (const key of ["technical", "specifics", "universal"] as const) {
    if (s[key] && Object.keys(s[key]).length) selections[key] = s[key];
  }
  return store.create({
    kind: "packs",
    name,
    description: input.description.slice(0, 300) || "Your own pack",
    selections,
  });
}
