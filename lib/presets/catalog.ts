import { own } from "../app/own.ts";
import { join } from "node:path";
import type { z } from "zod";
import {
  CategorySchema,
  LegacySchema,
  normalizeGroups,
  normalizeLegacy,
  type OptionGroup,
  PacksSchema,
  PartialCategorySchema,
  PartialLegacySchema,
  UniversalSchema,
} from "./schema.ts";
import { formatZodIssue } from "../app/validation.ts";
import { bundledUrl } from "../app/bundled.ts";
import type { LegacyPreset } from "./schema.ts";

/** The four legacy preset categories, in the order the UI shows them. */
export const LEGACY_CATEGORIES = ["styles", "artists", "composition", "lighting"] as const;
/** One legacy category name. */
export type LegacyCategory = typeof LEGACY_CATEGORIES[number];

/** A level-3 artist with its technical and scene options already merged from type and category. */
export interface Artist {
  id: string;
  name: string;
  description: string;
  signature: string;
  best_for: string[];
  popularity: string;
  text: string;
  negative: string[];
  nsfw: boolean;
  technical: Record<string, OptionGroup>;
  specifics: Record<string, OptionGroup>;
}

/** A level-2 type. */
export interface PresetType {
  id: string;
  name: string;
  icon: string;
  description: string;
  popularity: string;
  negative: string[];
  nsfw: boolean;
  artists: Artist[];
}

/** A level-1 category. */
export interface Category {
  id: string;
  name: string;
  icon: string;
  description: string;
  popularity: string;
  best_for: string[];
  nsfw: boolean;
  negative: string[];
  types: PresetType[];
}

/** A preset pack: a one-click set of hierarchical selections. */
export type Pack = z.infer<typeof PacksSchema>["packs"][number] & { custom?: boolean };

/** Everything preset-shaped the app knows, validated and normalized. */
export interface Catalog {
  legacy: Record<LegacyCategory, Record<string, LegacyPreset>>;
  categories: Category[];
  packs: Pack[];
  universal: Record<string, OptionGroup>;
}

/** A preset file that failed validation; the message names the file and the JSON path. */
export class PresetFileError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = "PresetFileError";
  }
}

function parseFile<T extends z.ZodType>(schema: T, text: string, file: string): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PresetFileError(file, `not valid JSON (${(err as Error).message})`);
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new PresetFileError(file, formatZodIssue(result.error.issues[0]!));
  return result.data;
}

/** A file to load: its display name and its text. */
export interface PresetSource {
  name: string;
  text: string;
}

/** The raw files of one preset folder. */
export interface PresetFiles {
  legacy?: PresetSource;
  packs?: PresetSource;
  universal?: PresetSource;
  categories: PresetSource[];
}

function buildCategory(input: z.infer<typeof CategorySchema>): Category {
  const catTechnical = normalizeGroups(input.technical);
  const nsfwCat = input.nsfw ?? false;
  return {
    id: input.id,
    name: input.name,
    icon: input.icon,
    description: input.description,
    popularity: input.popularity,
    best_for: input.best_for,
    nsfw: nsfwCat,
    negative: input.negative ?? [],
    types: input.types.map((t) => {
      const typeTechnical = { ...catTechnical, ...normalizeGroups(t.technical) };
      const typeSpecifics = normalizeGroups(t.specifics);
      const nsfwType = nsfwCat || (t.nsfw ?? false);
      return {
        id: t.id,
        name: t.name,
        icon: t.icon,
        description: t.description,
        popularity: t.popularity,
        negative: t.negative ?? [],
        nsfw: nsfwType,
        artists: t.artists.map((a) => ({
          id: a.id,
          name: a.name,
          description: a.description,
          signature: a.signature,
          best_for: a.best_for,
          popularity: a.popularity,
          text: a.text,
          negative: a.negative ?? [],
          nsfw: nsfwType || (a.nsfw ?? false),
          technical: { ...typeTechnical, ...normalizeGroups(a.technical) },
          specifics: { ...typeSpecifics, ...normalizeGroups(a.specifics) },
        })),
      };
    }),
  };
}

function mergeById<T extends { id: string }>(base: T[], extra: T[], merge: (a: T, b: T) => T): T[] {
  const out = [...base];
  for (const item of extra) {
    const at = out.findIndex((x) => x.id === item.id);
    if (at >= 0) out[at] = merge(out[at]!, item);
    else out.push(item);
  }
  return out;
}

type RawCategory = z.infer<typeof CategorySchema>;
type RawType = RawCategory["types"][number];

/** Layers a user's partial category over a built-in one: types and artists merge by id. */
function mergeRawCategory(
  base: RawCategory,
  extra: Partial<RawCategory> & { id: string },
): RawCategory {
  const types = [...base.types];
  for (const t of (extra.types ?? []) as Partial<RawType>[]) {
    const at = types.findIndex((x) => x.id === t.id);
    if (at < 0) {
      types.push(t as RawType);
      continue;
    }
    const old = types[at]!;
    types[at] = {
      ...old,
      ...t,
      technical: { ...old.technical, ...t.technical },
      specifics: { ...old.specifics, ...t.specifics },
      artists: mergeById(old.artists, t.artists ?? [], (_a, b) => b),
    } as RawType;
  }
  return {
    ...base,
    ...extra,
    technical: { ...base.technical, ...extra.technical },
    types,
  } as RawCategory;
}

function checkUnique(file: string, where: string, ids: string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new PresetFileError(file, `${where}: the id "${id}" is used twice`);
    seen.add(id);
  }
}

/** Checks that every id a pack names exists, so a one-click pack can never fail. */
export function checkPack(
  catalog: Pick<Catalog, "categories" | "universal">,
  pack: Pack,
): string | null {
  const s = pack.selections;
  const cat = catalog.categories.find((c) => c.id === s.category);
  if (!cat) return `pack "${pack.id}" names the unknown category "${s.category}"`;
  const type = cat.types.find((t) => t.id === s.type);
  if (!type) return `pack "${pack.id}" names the unknown type "${s.type}" in "${cat.id}"`;
  const artist = type.artists.find((a) => a.id === s.artist);
  if (!artist) {
    return `pack "${pack.id}" names the unknown artist "${s.artist}" in "${cat.id}/${type.id}"`;
  }
  for (const level of ["technical", "specifics"] as const) {
    for (const [key, value] of Object.entries(s[level] ?? {})) {
      const group = own(artist[level], key);
      if (!group) {
        return `pack "${pack.id}" names the unknown ${level} group "${key}" for ${artist.id}`;
      }
      if (!group.options.some((o) => o.id === value)) {
        return `pack "${pack.id}" names the unknown ${level} option "${key}=${value}" for ${artist.id}`;
      }
    }
  }
  for (const [key, value] of Object.entries(s.universal ?? {})) {
    const group = own(catalog.universal, key);
    if (!group) return `pack "${pack.id}" names the unknown universal group "${key}"`;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (!group.options.some((o) => o.id === v)) {
        return `pack "${pack.id}" names the unknown universal option "${key}=${v}"`;
      }
    }
  }
  return null;
}

/**
 * Builds the catalog from the built-in files with the user's files layered on top (user legacy
 * entries and packs replace same-named ones; user categories merge types and artists by id).
 */
export function buildCatalog(builtin: PresetFiles, user?: PresetFiles): Catalog {
  if (!builtin.legacy || !builtin.packs || !builtin.universal) {
    throw new PresetFileError(
      "presets/",
      "legacy.json, packs.json and universal.json are required",
    );
  }
  const legacyIn = parseFile(LegacySchema, builtin.legacy.text, builtin.legacy.name);
  const legacy = {} as Catalog["legacy"];
  for (const cat of LEGACY_CATEGORIES) {
    legacy[cat] = Object.fromEntries(
      Object.entries(legacyIn[cat]).map(([k, v]) => [k, normalizeLegacy(v)]),
    );
  }
  if (user?.legacy) {
    const extra = parseFile(PartialLegacySchema, user.legacy.text, user.legacy.name);
    for (const cat of LEGACY_CATEGORIES) {
      for (const [k, v] of Object.entries(extra[cat] ?? {})) legacy[cat][k] = normalizeLegacy(v);
    }
  }

  const raws = builtin.categories.map((file) => ({
    file: file.name,
    raw: parseFile(CategorySchema, file.text, file.name) as RawCategory,
  }));
  checkUnique("presets/hierarchical", "categories", raws.map((r) => r.raw.id));
  for (const file of user?.categories ?? []) {
    const partial = parseFile(PartialCategorySchema, file.text, file.name) as
      & Partial<RawCategory>
      & {
        id: string;
      };
    const existing = raws.find((r) => r.raw.id === partial.id);
    if (!existing) {
      raws.push({
        file: file.name,
        raw: parseFile(CategorySchema, file.text, file.name) as RawCategory,
      });
      continue;
    }
    const merged = mergeRawCategory(existing.raw, partial);
    const check = CategorySchema.safeParse(merged);
    if (!check.success) {
      throw new PresetFileError(file.name, formatZodIssue(check.error.issues[0]!));
    }
    existing.raw = merged;
  }
  const categories = raws.map((r) => buildCategory(r.raw));
  for (const c of categories) {
    checkUnique(`category ${c.id}`, "types", c.types.map((t) => t.id));
    for (const t of c.types) checkUnique(`${c.id}/${t.id}`, "artists", t.artists.map((a) => a.id));
  }

  const universalIn = parseFile(UniversalSchema, builtin.universal.text, builtin.universal.name);
  const universal = normalizeGroups(universalIn);
  if (user?.universal) {
    const extra = normalizeGroups(
      parseFile(UniversalSchema, user.universal.text, user.universal.name),
    );
    for (const [key, group] of Object.entries(extra)) {
      const base = own(universal, key);
      universal[key] = base
        ? {
          ...base,
          options: mergeById(base.options, group.options, (_a, b) => b),
          ...(base.by_category || group.by_category
            ? { by_category: { ...base.by_category, ...group.by_category } }
            : {}),
        }
        : group;
    }
  }
  const universalFile = user?.universal
    ? `${builtin.universal.name} or ${user.universal.name}`
    : builtin.universal.name;
  for (const [key, group] of Object.entries(universal)) {
    for (const [catId, ids] of Object.entries(group.by_category ?? {})) {
      if (!categories.some((c) => c.id === catId)) {
        throw new PresetFileError(
          universalFile,
          `${key}.by_category: there is no category "${catId}"`,
        );
      }
      const unknown = ids.find((id) => !group.options.some((o) => o.id === id));
      if (unknown) {
        throw new PresetFileError(
          universalFile,
          `${key}.by_category.${catId}: "${unknown}" is not one of the ${key} options`,
        );
      }
    }
  }

  let packs: Pack[] = parseFile(PacksSchema, builtin.packs.text, builtin.packs.name).packs;
  checkUnique(builtin.packs.name, "packs", packs.map((p) => p.id));
  if (user?.packs) {
    packs = mergeById(
      packs,
      parseFile(PacksSchema, user.packs.text, user.packs.name).packs,
      (_a, b) => b,
    );
  }
  const withFlags = packs.map((p) => {
    const cat = categories.find((c) => c.id === p.selections.category);
    return cat?.nsfw ? { ...p, nsfw: true } : p;
  });
  for (const pack of withFlags) {
    const problem = checkPack({ categories, universal }, pack);
    if (problem) throw new PresetFileError("packs.json", problem);
  }
  return { legacy, categories, packs: withFlags, universal };
}

function readSource(dir: string | URL, name: string, label: string): PresetSource | undefined {
  const path = dir instanceof URL ? new URL(name, dir) : join(dir, name);
  try {
    return { name: `${label}${name}`, text: Deno.readTextFileSync(path) };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Reads a preset folder (built-in URL or user path) into raw files. */
export function readPresetFolder(dir: string | URL, label: string): PresetFiles {
  const files: PresetFiles = {
    legacy: readSource(dir, "legacy.json", label),
    packs: readSource(dir, "packs.json", label),
    universal: readSource(dir, "universal.json", label),
    categories: [],
  };
  const sub = dir instanceof URL ? new URL("hierarchical/", dir) : join(dir, "hierarchical");
  try {
    const names = [...Deno.readDirSync(sub)]
      .filter((e) => e.isFile && e.name.endsWith(".json"))
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      const source = readSource(sub, name, `${label}hierarchical/`);
      if (source) files.categories.push(source);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return files;
}

/** The built-in preset folder shipped with the app. */
export const BUILTIN_PRESETS = bundledUrl("presets/");

/** Keeps the filtered copy of a catalog for users who have not enabled adult presets. */
export function withoutNsfw(catalog: Catalog): Catalog {
  const legacy = {} as Catalog["legacy"];
  for (const cat of LEGACY_CATEGORIES) {
    legacy[cat] = Object.fromEntries(
      Object.entries(catalog.legacy[cat]).filter(([, v]) => !v.nsfw),
    );
  }
  return {
    legacy,
    categories: catalog.categories.filter((c) => !c.nsfw).map((c) => ({
      ...c,
      types: c.types.filter((t) => !t.nsfw).map((t) => ({
        ...t,
        artists: t.artists.filter((a) => !a.nsfw),
      })),
    })),
    packs: catalog.packs.filter((p) => !p.nsfw),
    universal: catalog.universal,
  };
}
