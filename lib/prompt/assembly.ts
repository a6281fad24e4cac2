import { own } from "../app/own.ts";
import { didYouMean } from "./suggest.ts";
import { badInput, notFound } from "../app/errors.ts";
import type { Catalog, LegacyCategory } from "../presets/catalog.ts";
import type { OptionGroup, PresetOption } from "../presets/schema.ts";
import type { ChatMessage } from "../llm/types.ts";
import { type DroppedPreset, resolveCollisions } from "./collisions.ts";
import { genrePhrase, type SceneRole, sceneRole, technicalSlot } from "./preset_kinds.ts";
import { canonicalSelections, type SentSelections } from "./selections.ts";

/** Hierarchical picks as the API takes them, or `{pack}` to start from a preset pack. */
export interface Selections {
  pack?: string;
  category?: string;
  type?: string;
  artist?: string;
  technical?: Record<string, string>;
  specifics?: Record<string, string>;
  universal?: Record<string, string | string[]>;
}

/** The preset fields of a generation request. */
export interface PresetRequest {
  style?: string;
  artist?: string;
  composition?: string;
  lighting?: string;
  /** Our keys, the original app's `level1`…`level5`, or both. */
  selections?: SentSelections;
}

/** What part of the image a preset line describes; the composer orders and phrases by it. */
export type PresetSlot =
  | "style"
  | "artist"
  | "composition"
  | "lighting"
  | "genre"
  | "technical"
  | "scene"
  | "mood"
  | "time"
  | "weather"
  | "palette"
  | "camera";

/** One line of preset guidance for the LLM. */
export interface PresetLine {
  label: string;
  text: string;
  slot: PresetSlot;
  /** A short phrase for the composer, where it differs from the LLM guidance. */
  phrase?: string;
  /** Comma-separated tags for tag targets, where they differ from the phrase. */
  tags?: string;
  /** Where it was chosen: a legacy field, the genre, the artist, an artist's option, or a universal group. */
  level?: "legacy" | "genre" | "artist" | "option" | "universal";
  /** A preset pack chose it, not the user: a suggestion. */
  fromPack?: boolean;
  /** Scene options: whether they name a subject, a setting, an action or a detail. */
  role?: SceneRole;
  /** Artist lines: the artist's name, for targets that tag artists by name. */
  name?: string;
  /** An adult preset (shown only with ENABLE_NSFW_PRESETS), e.g. for Pony's rating tag. */
  adult?: boolean;
}

const UNIVERSAL_SLOTS: Record<string, PresetSlot> = {
  mood: "mood",
  time_of_day: "time",
  lighting: "lighting",
  weather: "weather",
  color_palette: "palette",
  camera_effects: "camera",
};

/** Presets turned into guidance lines, negative fragments and what history records. */
export interface ResolvedPresets {
  lines: PresetLine[];
  negatives: string[];
  record: Record<string, unknown>;
  /** Presets left out because a more specific one of the same kind was chosen. */
  dropped?: DroppedPreset[];
}

const LEGACY_FIELDS: Record<"style" | "artist" | "composition" | "lighting", LegacyCategory> = {
  style: "styles",
  artist: "artists",
  composition: "composition",
  lighting: "lighting",
};
const LEGACY_SLOTS: Record<LegacyCategory, PresetSlot> = {
  styles: "style",
  artists: "artist",
  composition: "composition",
  lighting: "lighting",
};
const LEGACY_LABELS: Record<LegacyCategory, string> = {
  styles: "Style",
  artists: "Artist influence",
  composition: "Composition",
  lighting: "Lighting",
};

function pickOption(group: OptionGroup, id: string, field: string): PresetOption {
  const option = group.options.find((o) => o.id === id);
  if (!option) {
    throw badInput(
      `${field}: unknown option "${id}"; choose one of ${
        group.options.map((o) => o.id).join(", ")
      }`,
      "unknown_preset",
    );
  }
  return option;
}

function resolveLegacy(catalog: Catalog, req: PresetRequest, out: ResolvedPresets): void {
  for (
    const [field, category] of Object.entries(LEGACY_FIELDS) as [
      keyof typeof LEGACY_FIELDS,
      LegacyCategory,
    ][]
  ) {
    const name = req[field]?.trim();
    out.record[field] = name || "None";
    if (!name || name === "None") continue;
    const preset = own(catalog.legacy[category], name);
    if (!preset) {
      throw badInput(
        `${field}: unknown preset "${name}".${
          didYouMean(name, Object.keys(catalog.legacy[category]))
        } Pick one of the ${category} (adult presets need ENABLE_NSFW_PRESETS=true)`,
        "unknown_preset",
        { list: "legacy", category },
      );
    }
    out.lines.push({
      label: LEGACY_LABELS[category],
      text: preset.text,
      slot: LEGACY_SLOTS[category],
      level: "legacy",
      ...(category === "artists" ? { name } : {}),
      ...(preset.nsfw ? { adult: true } : {}),
    });
    if (preset.negative) out.negatives.push(preset.negative);
  }
}

function resolveHierarchical(catalog: Catalog, input: Selections, out: ResolvedPresets): void {
  let s: Selections = input;
  // The selections a pack made (and the user did not override): they are suggestions.
  let packKeys = new Set<string>();
  const fromPack = (key: keyof Selections) => packKeys.has(key) ? { fromPack: true } : {};
  if (input.pack) {
    const pack = catalog.packs.find((p) => p.id === input.pack);
    if (!pack) {
      throw badInput(
        `selections.pack: unknown pack "${input.pack}".${
          didYouMean(input.pack, catalog.packs.map((p) => p.id))
        } Pick one of the preset packs`,
        "unknown_preset",
        { list: "packs" },
      );
    }
    const { pack: _p, ...rest } = input;
    packKeys = new Set(
      Object.keys(pack.selections).filter((k) => rest[k as keyof typeof rest] === undefined),
    );
    s = {
      ...pack.selections,
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    };
    out.record.pack = pack.id;
  }
  if (!s.category && (s.type || s.artist || s.technical || s.specifics)) {
    throw badInput("selections.category: required when a type, artist or option is chosen");
  }
  if (s.category) {
    const cat = catalog.categories.find((c) => c.id === s.category);
    if (!cat) {
      throw badInput(
        `selections.category: unknown category "${s.category}".${
          didYouMean(s.category, catalog.categories.map((c) => c.id))
        } Pick one of the categories`,
        "unknown_preset",
        { list: "categories" },
      );
    }
    out.negatives.push(...cat.negative);
    const type = s.type ? cat.types.find((t) => t.id === s.type) : undefined;
    if (s.type && !type) {
      throw badInput(
        `selections.type: unknown type "${s.type}" in "${cat.id}"; pick one of its types`,
        "unknown_preset",
        { list: "types", category: cat.id },
      );
    }
    out.lines.push({
      label: "Genre",
      text: type
        ? `${cat.name} › ${type.name}: ${type.description}`
        : `${cat.name}: ${cat.description}`,
      slot: "genre",
      phrase: genrePhrase(type?.name, cat.name),
      level: "genre",
      ...fromPack("category"),
      ...(cat.nsfw || type?.nsfw ? { adult: true } : {}),
    });
    if (type) out.negatives.push(...type.negative);
    if (s.artist && !type) throw badInput("selections.type: required when an artist is chosen");
    const artist = s.artist ? type?.artists.find((a) => a.id === s.artist) : undefined;
    if (s.artist && !artist) {
      throw badInput(
        `selections.artist: unknown artist "${s.artist}" in "${cat.id}/${
          type!.id
        }"; pick one of its artists`,
        "unknown_preset",
        { list: "artists", category: cat.id, type: type!.id },
      );
    }
    if (artist) {
      out.lines.push({
        label: "Artist influence",
        text: `${artist.text} (signature: ${artist.signature})`,
        slot: "artist",
        phrase: artist.text,
        level: "artist",
        name: artist.name,
        ...fromPack("artist"),
        ...(artist.nsfw ? { adult: true } : {}),
      });
      out.negatives.push(...artist.negative);
    } else if (s.technical || s.specifics) {
      throw badInput("selections.artist: required when technical or scene options are chosen");
    }
    for (const level of ["technical", "specifics"] as const) {
      for (const [key, id] of Object.entries(s[level] ?? {})) {
        const group = own(artist![level], key);
        if (!group) {
          throw badInput(
            `selections.${level}.${key}: "${artist!.name}" has no such option group`,
            "unknown_preset",
            { list: "options", category: cat.id, type: type!.id, artist: artist!.id, level },
          );
        }
        const option = pickOption(group, id, `selections.${level}.${key}`);
        out.lines.push({
          label: group.name,
          text: option.text,
          slot: level === "technical" ? technicalSlot(key) : "scene",
          level: "option",
          ...(level === "specifics" ? { role: sceneRole(key) } : {}),
          ...fromPack(level),
        });
        if (option.negative) out.negatives.push(...option.negative);
      }
    }
  }
  // canonicalSelections has checked that every group exists.
  for (const [key, value] of Object.entries(s.universal ?? {})) {
    const group = own(catalog.universal, key)!;
    const ids = Array.isArray(value) ? value : [value];
    if (!group.multi && ids.length > 1) {
      throw badInput(`selections.universal.${key}: choose one value, not a list`);
    }
    const options = ids.map((id) => pickOption(group, id, `selections.universal.${key}`));
    if (!options.length) continue;
    const text = options.map((o) => o.feel ? `${o.text} (feels ${o.feel})` : o.text).join("; ");
    const slot = own(UNIVERSAL_SLOTS, key) ?? "scene";
    const phrase = slot === "mood"
      ? options.map((o) => o.name.toLowerCase()).join(" and ")
      : options.map((o) => o.text).join(", ");
    const tags = options.map((o) => o.name.toLowerCase()).join(", ");
    out.lines.push({
      label: group.name,
      text,
      slot,
      phrase,
      tags,
      level: "universal",
      ...fromPack("universal"),
    });
    for (const o of options) if (o.negative) out.negatives.push(...o.negative);
  }
  out.record.resolved = s;
}

/** Looks up every chosen preset; a name or id that does not exist is a 400 that names it. */
export function resolvePresets(catalog: Catalog, req: PresetRequest): ResolvedPresets {
  const out: ResolvedPresets = { lines: [], negatives: [], record: {} };
  resolveLegacy(catalog, req, out);
  const sel = req.selections;
  if (sel && Object.values(sel).some((v) => v !== undefined && v !== "")) {
    resolveHierarchical(catalog, canonicalSelections(sel, Object.keys(catalog.universal)), out);
    // History keeps the selection as it was sent (either key set) beside the resolved ids.
    out.record.hierarchical = sel;
  }
  const { lines, dropped } = resolveCollisions(out.lines);
  out.lines = lines;
  if (dropped.length) out.dropped = dropped;
  return out;
}

/** Scene options a pack brought are suggestions the idea's own subject, action and setting beat. */
function isSuggestion(line: PresetLine): boolean {
  return line.fromPack === true && line.role !== undefined && line.role !== "detail";
}

function presetBlock(lines: PresetLine[], lead: string): string {
  if (!lines.length) return "";
  const items = lines.map((l) =>
    `- ${l.label}${isSuggestion(l) ? " (the pack's suggestion)" : ""}: ${l.text}`
  );
  return `${lead}\n\nPresets:\n${items.join("\n")}`;
}

const IDEA_WINS =
  "The idea fixes the subject, the action and the setting. The presets below shape style, light, colour and framing: adapt or leave out any that contradict the idea.";
const WORDS_WIN =
  "My words fix the subject, the action and the setting. The presets below shape style, light, colour and framing: adapt or leave out any that contradict them.";

function keepBlock(keep: string[]): string {
  return keep.length ? `Keep these exactly as written, in the prompt: ${keep.join(" | ")}` : "";
}

/** The user message of a one-shot generation: the idea, the preset guidance, the protected terms. */
export function oneShotUserMessage(
  idea: string,
  presets: ResolvedPresets,
  keep: string[] = [],
): string {
  const parts = [presetBlock(presets.lines, IDEA_WINS), keepBlock(keep)].filter(Boolean);
  return `Idea: ${idea}\n\n${parts.map((p) => `${p}\n\n`).join("")}Write the prompt now.`;
}

/** The user message of a chat turn: the user's words, then this turn's guidance. */
export function chatUserMessage(
  message: string,
  presets: ResolvedPresets,
  keep: string[] = [],
): string {
  const parts = [presetBlock(presets.lines, WORDS_WIN), keepBlock(keep)].filter(Boolean);
  return parts.length ? `${message}\n\n${parts.join("\n\n")}` : message;
}

/** The messages of a one-shot generation. */
export function oneShotMessages(
  system: string,
  idea: string,
  presets: ResolvedPresets,
  keep: string[] = [],
): ChatMessage[] {
  return [
    { role: "system", content: system },
    { role: "user", content: oneShotUserMessage(idea, presets, keep) },
  ];
}

/** Finds a hierarchical category or throws the spec's 404. */
export function findCategory(catalog: Catalog, id: string) {
  const cat = catalog.categories.find((c) => c.id === id);
  if (!cat) {
    throw notFound("Category not found", `No category with id "${id}"`, { list: "categories" });
  }
  return cat;
}

/** Finds a type within a category or throws the spec's 404. */
export function findType(catalog: Catalog, catId: string, typeId: string) {
  const cat = findCategory(catalog, catId);
  const type = cat.types.find((t) => t.id === typeId);
  if (!type) {
    throw notFound("Type not found", `No type "${typeId}" in category "${catId}"`, {
      list: "types",
      category: catId,
    });
  }
  return { cat, type };
}

/** Finds an artist or throws the spec's 404. */
export function findArtist(catalog: Catalog, catId: string, typeId: string, artistId: string) {
  const { cat, type } = findType(catalog, catId, typeId);
  const artist = type.artists.find((a) => a.id === artistId);
  if (!artist) {
    throw notFound("Artist not found", `No artist "${artistId}" in ${catId}/${typeId}`, {
      list: "artists",
      category: catId,
      type: typeId,
    });
  }
  return { cat, type, artist };
}
