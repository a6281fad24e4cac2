import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import {
  buildCatalog,
  BUILTIN_PRESETS,
  type Catalog,
  checkPack,
  LEGACY_CATEGORIES,
  readPresetFolder,
  withoutNsfw,
} from "../lib/presets/catalog.ts";
import { resolvePresets } from "../lib/prompt/assembly.ts";

/** Words that join a name but do not tell two names apart ("Over the Shoulder" = "Over Shoulder"). */
const FILLER_WORDS = new Set([
  "a",
  "an",
  "the",
  "of",
  "in",
  "on",
  "at",
  "to",
  "by",
  "for",
  "with",
  "from",
  "and",
]);

/** Last words that name a genre or a look, never a person: such an entry is a style. */
const NON_PERSON_ENDINGS = new Set([
  "art",
  "arts",
  "study",
  "studies",
  "style",
  "styles",
  "look",
  "aesthetic",
  "aesthetics",
  "horror",
  "photography",
  "illustration",
  "concept",
  "render",
  "design",
  "painting",
  "portrait",
  "intimate",
  "fantasy",
  "vibe",
]);

const MIN_ARTISTS_PER_TYPE = 3;

function loadCatalog(): Catalog {
  return buildCatalog(readPresetFolder(BUILTIN_PRESETS, "presets/"));
}

/** Folds case, accents, spacing, punctuation and filler words, so near twins share one key. */
function nameKey(name: string): string {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !FILLER_WORDS.has(w))
    .join("");
}

function lastWord(name: string): string {
  const words = name.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return words[words.length - 1] ?? "";
}

/** Pairs of names in one list that share a key, as "A" ~ "B". */
function nearTwins(names: string[]): string[] {
  const seen = new Map<string, string>();
  const twins: string[] = [];
  for (const name of names) {
    const key = nameKey(name);
    const earlier = seen.get(key);
    if (earlier !== undefined) twins.push(`"${earlier}" ~ "${name}"`);
    else seen.set(key, name);
  }
  return twins;
}

/** Every named entry of the hierarchical data with its effective adult flag. */
function hierarchicalNames(catalog: Catalog): { where: string; name: string; nsfw: boolean }[] {
  const out: { where: string; name: string; nsfw: boolean }[] = [];
  for (const c of catalog.categories) {
    out.push({ where: `category ${c.id}`, name: c.name, nsfw: c.nsfw });
    for (const t of c.types) {
      out.push({ where: `type ${c.id}/${t.id}`, name: t.name, nsfw: t.nsfw });
      for (const a of t.artists) {
        out.push({ where: `artist ${c.id}/${t.id}/${a.id}`, name: a.name, nsfw: a.nsfw });
      }
    }
  }
  return out;
}

Deno.test("the name checks catch the twins and non-artists they are meant to catch", () => {
  equal(nameKey("Over the Shoulder"), nameKey("Over Shoulder"));
  equal(nameKey("Pin-up"), nameKey("pin up"));
  equal(nameKey("Simon Stålenhag"), nameKey("simon stalenhag"));
  notEqual(nameKey("Close-up"), nameKey("Extreme Close-up"));
  deepEqual(nearTwins(["Over the Shoulder", "Back View", "Over Shoulder"]), [
    '"Over the Shoulder" ~ "Over Shoulder"',
  ]);
  for (const name of ["NASA Concept Art", "Classical Figure Study", "Midsummer Daylight Horror"]) {
    ok(NON_PERSON_ENDINGS.has(lastWord(name)), name);
  }
  for (const name of ["Ruth Bernhard", "Pieter Bruegel the Elder", "John Romita Sr."]) {
    ok(!NON_PERSON_ENDINGS.has(lastWord(name)), name);
  }
});

Deno.test(`every type offers at least ${MIN_ARTISTS_PER_TYPE} artists, with and without adult presets`, () => {
  const full = loadCatalog();
  const short: string[] = [];
  for (const [view, catalog] of [["all", full], ["safe", withoutNsfw(full)]] as const) {
    for (const c of catalog.categories) {
      for (const t of c.types) {
        if (t.artists.length < MIN_ARTISTS_PER_TYPE) {
          short.push(`${view}: ${c.id}/${t.id} (${t.artists.length})`);
        }
      }
    }
  }
  deepEqual(short, [], `types with too few artists: ${short.join(", ")}`);
});

Deno.test("no list holds two names that differ only by case, spacing or a filler word", () => {
  const catalog = loadCatalog();
  const twins: string[] = [];
  for (const cat of LEGACY_CATEGORIES) {
    twins.push(...nearTwins(Object.keys(catalog.legacy[cat])).map((t) => `legacy ${cat}: ${t}`));
  }
  twins.push(...nearTwins(catalog.categories.map((c) => c.name)).map((t) => `categories: ${t}`));
  for (const c of catalog.categories) {
    twins.push(...nearTwins(c.types.map((t) => t.name)).map((t) => `${c.id} types: ${t}`));
  }
  // One person filed under two types is a twin too: the picker would show them twice.
  const artists = catalog.categories.flatMap((c) =>
    c.types.flatMap((t) => t.artists.map((a) => a.name))
  );
  twins.push(...nearTwins(artists).map((t) => `artists: ${t}`));
  deepEqual(twins, []);
});

Deno.test("a name in both the legacy and the hierarchical lists has one adult flag", () => {
  const catalog = loadCatalog();
  const hierarchical = new Map<string, { where: string; nsfw: boolean }[]>();
  for (const entry of hierarchicalNames(catalog)) {
    const key = nameKey(entry.name);
    hierarchical.set(key, [...(hierarchical.get(key) ?? []), entry]);
  }
  const conflicts: string[] = [];
  let shared = 0;
  for (const cat of LEGACY_CATEGORIES) {
    for (const [name, preset] of Object.entries(catalog.legacy[cat])) {
      const legacyAdult = preset.nsfw ?? false;
      for (const other of hierarchical.get(nameKey(name)) ?? []) {
        shared++;
        if (other.nsfw !== legacyAdult) {
          conflicts.push(
            `legacy ${cat}/"${name}" adult=${legacyAdult} but ${other.where} adult=${other.nsfw}`,
          );
        }
      }
    }
  }
  ok(shared >= 10, `only ${shared} shared names: the comparison is not matching names`);
  deepEqual(conflicts, []);
});

Deno.test("no artist entry is named like a style rather than a person", () => {
  const catalog = loadCatalog();
  const styles = hierarchicalNames(catalog)
    .filter((e) => e.where.startsWith("artist ") && NON_PERSON_ENDINGS.has(lastWord(e.name)))
    .map((e) => `${e.where} "${e.name}"`);
  deepEqual(styles, []);
});

Deno.test("the styles once filed as artists are legacy styles with their own text", () => {
  const catalog = loadCatalog();
  const artistNames = new Set(hierarchicalNames(catalog).map((e) => nameKey(e.name)));
  for (
    const name of [
      "NASA Concept Art",
      "Classical Figure Study",
      "Midsummer Daylight Horror",
      "Puritan Candlelit Horror",
      "Contemporary Intimate",
    ]
  ) {
    const style = catalog.legacy.styles[name];
    ok(style, `${name} is a legacy style`);
    ok(!style.text.startsWith("in the style of"), `${name} describes a style, not an artist`);
    ok(!artistNames.has(nameKey(name)), `${name} is no longer a hierarchical entry`);
  }
  const seinen = catalog.categories.find((c) => c.id === "anime")?.types
    .find((t) => t.id === "seinen");
  ok(seinen, "anime/seinen exists");
  ok(!seinen.artists.some((a) => a.id === "makoto_shinkai"), "Makoto Shinkai is not seinen");
});

Deno.test("every pack resolves, and every pack shown without adult presets uses no adult entry", () => {
  const full = loadCatalog();
  for (const pack of full.packs) {
    equal(checkPack(full, pack), null);
    ok(resolvePresets(full, { selections: { pack: pack.id } }).lines.length >= 3, pack.id);
  }
  const safe = withoutNsfw(full);
  ok(safe.packs.length > 0);
  for (const pack of safe.packs) equal(checkPack(safe, pack), null);
});
