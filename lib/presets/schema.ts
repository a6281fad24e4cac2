import { z } from "zod";

/** Turns a display name into a stable id: "Flat four-colour" → "flat_four_colour". */
export function slugify(name: string): string {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

const Popularity = z.enum(["high", "medium", "low"]);
const Id = z.string().regex(/^[a-z0-9_]+$/, "ids use lower-case letters, digits and _");
const Negative = z.array(z.string().min(1)).optional();

/** An option as written in a file: "Name = prompt text", or an object. */
const OptionInput = z.union([
  z.string().min(1),
  z.object({
    id: Id.optional(),
    name: z.string().min(1),
    text: z.string().optional(),
    description: z.string().optional(),
    negative: Negative,
    colors: z.array(z.string()).optional(),
    feel: z.string().optional(),
    recommended: z.boolean().optional(),
  }),
]);

/** A choosable option after normalization. */
export interface PresetOption {
  id: string;
  name: string;
  text: string;
  description?: string;
  negative?: string[];
  colors?: string[];
  feel?: string;
  recommended?: boolean;
}

function normalizeOption(input: z.infer<typeof OptionInput>): PresetOption {
  if (typeof input === "string") {
    const at = input.indexOf("=");
    const name = (at >= 0 ? input.slice(0, at) : input).trim();
    const text = (at >= 0 ? input.slice(at + 1) : input).trim();
    return { id: slugify(name), name, text };
  }
  const { id, text, ...rest } = input;
  return { ...rest, id: id ?? slugify(input.name), text: text ?? input.name.toLowerCase() };
}

const GroupInput = z.object({
  name: z.string().min(1),
  multi: z.boolean().optional(),
  options: z.array(OptionInput).min(1),
});

/** A named group of options, e.g. "Lens" with its choices. */
export interface OptionGroup {
  name: string;
  multi?: boolean;
  options: PresetOption[];
  /** Universal groups only: option ids that suit a category, by category id. */
  by_category?: Record<string, string[]>;
}

function normalizeGroup(
  g: z.infer<typeof GroupInput> & { by_category?: Record<string, string[]> },
): OptionGroup {
  const out: OptionGroup = { name: g.name, options: g.options.map(normalizeOption) };
  if (g.multi) out.multi = true;
  if (g.by_category) out.by_category = g.by_category;
  return out;
}

const Groups = z.record(Id, GroupInput);

/** Level-3 artist in a category file. */
export const ArtistSchema = z.object({
  id: Id,
  name: z.string().min(1),
  description: z.string().min(1),
  signature: z.string().min(1),
  best_for: z.array(z.string()).min(1),
  popularity: Popularity,
  text: z.string().min(1),
  negative: Negative,
  nsfw: z.boolean().optional(),
  technical: Groups.optional(),
  specifics: Groups.optional(),
});

/** Level-2 type in a category file. */
export const TypeSchema = z.object({
  id: Id,
  name: z.string().min(1),
  icon: z.string().default(""),
  description: z.string().min(1),
  popularity: Popularity.default("medium"),
  negative: Negative,
  nsfw: z.boolean().optional(),
  technical: Groups.optional(),
  specifics: Groups.optional(),
  artists: z.array(ArtistSchema).min(2, "every type needs at least 2 artists"),
});

/** A level-1 category file in `presets/hierarchical/`. */
export const CategorySchema = z.object({
  id: Id,
  name: z.string().min(1),
  icon: z.string(),
  description: z.string().min(1),
  popularity: Popularity,
  best_for: z.array(z.string()),
  nsfw: z.boolean().optional(),
  negative: Negative,
  technical: Groups.optional(),
  types: z.array(TypeSchema).min(3, "a category needs 3 to 8 types").max(
    8,
    "a category needs 3 to 8 types",
  ),
});

/** A user file may add partial categories: fewer types, merged by id into the built-in one. */
export const PartialCategorySchema = CategorySchema.partial({
  icon: true,
  description: true,
  popularity: true,
  best_for: true,
}).extend({
  name: z.string().min(1).optional(),
  types: z.array(
    TypeSchema.partial({ artists: true, description: true }).extend({
      name: z.string().min(1).optional(),
      artists: z.array(ArtistSchema).optional(),
    }),
  ).optional(),
});

/** A legacy entry: "text", or an object with negatives and an adult flag. */
const LegacyEntry = z.union([
  z.string(),
  z.object({ text: z.string(), negative: z.string().optional(), nsfw: z.boolean().optional() }),
]);

/** `presets/legacy.json`. */
export const LegacySchema = z.object({
  styles: z.record(z.string().min(1), LegacyEntry),
  artists: z.record(z.string().min(1), LegacyEntry),
  composition: z.record(z.string().min(1), LegacyEntry),
  lighting: z.record(z.string().min(1), LegacyEntry),
});

/** A user file may bring only some legacy categories. */
export const PartialLegacySchema = LegacySchema.partial();

const SelectionsSchema = z.object({
  category: Id,
  type: Id,
  artist: Id,
  technical: z.record(Id, Id).optional(),
  specifics: z.record(Id, Id).optional(),
  universal: z.record(Id, z.union([Id, z.array(Id)])).optional(),
});

/** A quick-start combination in `presets/packs.json`. */
export const PackSchema = z.object({
  id: Id,
  name: z.string().min(1),
  icon: z.string().default("✨"),
  description: z.string().min(1),
  nsfw: z.boolean().optional(),
  selections: SelectionsSchema,
});

/** `presets/packs.json`. */
export const PacksSchema = z.object({ packs: z.array(PackSchema) });

/** `presets/universal.json`: cross-cutting option groups, with the options that suit a category. */
export const UniversalSchema = z.record(
  Id,
  GroupInput.extend({ by_category: z.record(Id, z.array(Id).min(1)).optional() }),
);

/** A legacy entry after normalization. */
export interface LegacyPreset {
  text: string;
  negative?: string;
  nsfw?: boolean;
  custom?: boolean;
}

/** Normalizes a legacy entry. */
export function normalizeLegacy(entry: z.infer<typeof LegacyEntry>): LegacyPreset {
  return typeof entry === "string" ? { text: entry } : { ...entry };
}

/** Normalizes option groups. */
export function normalizeGroups(
  groups:
    | Record<string, z.infer<typeof GroupInput> & { by_category?: Record<string, string[]> }>
    | undefined,
): Record<string, OptionGroup> {
  const out: Record<string, OptionGroup> = {};
  for (const [key, g] of Object.entries(groups ?? {})) out[key] = normalizeGroup(g);
  return out;
}
