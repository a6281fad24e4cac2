/**
 * Compatibility with the original app, part 1: the read-only routes (page, presets, models,
 * the hierarchical levels, packs, universal options, personas) replayed over HTTP with the
 * original's request shapes, checking the keys its page and scripts read.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { type CompatServer, hasKeys, startCompatServer } from "./compat_helpers.ts";

/** The option ids the original's universal options offered, by its group keys. */
const ORIGINAL_UNIVERSAL_IDS: Record<string, string[]> = {
  "mood.core": ["dramatic", "peaceful", "mysterious", "energetic", "melancholic", "elegant"],
  "lighting.core": [
    "golden_hour",
    "blue_hour",
    "dramatic",
    "soft_diffused",
    "volumetric",
    "neon",
    "candlelight",
    "studio",
    "backlighting",
    "rim_lighting",
    "architectural_uplighting",
    "chiaroscuro",
  ],
  "time_of_day.options": [
    "dawn",
    "morning",
    "noon",
    "afternoon",
    "golden_hour",
    "dusk",
    "night",
    "blue_hour",
  ],
  "weather_atmosphere.options": [
    "sunny",
    "overcast",
    "rainy",
    "stormy",
    "foggy",
    "snowy",
    "windy",
    "hazy",
  ],
  "color_palettes.options": [
    "warm_tones",
    "cool_tones",
    "monochrome",
    "pastel",
    "vibrant",
    "earth_tones",
    "neon",
    "muted",
    "golden",
    "jewel_tones",
  ],
  "camera_effects.options": [
    "bokeh",
    "depth_of_field",
    "motion_blur",
    "lens_flare",
    "vignette",
    "tilt_shift",
    "long_exposure",
    "film_grain",
  ],
};

type Json = Record<string, unknown>;

async function getJson(s: CompatServer, path: string, status = 200): Promise<Json> {
  const res = await s.call(path);
  equal(res.status, status, path);
  equal(res.headers.get("content-type"), "application/json", path);
  return await res.json();
}

function at(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split(".")) v = (v as Json | undefined)?.[key];
  return v;
}

Deno.test("compat: the original's read-only routes answer in its shapes over HTTP", async (t) => {
  const s = await startCompatServer();
  try {
    await t.step("GET / is the HTML page", async () => {
      const res = await s.call("/", { headers: { accept: "text/html" } });
      equal(res.status, 200);
      match(res.headers.get("content-type") ?? "", /text\/html/);
      match(await res.text(), /<!DOCTYPE html>|<html/i);
    });

    await t.step("GET /presets: the legacy categories as in the original's tests", async () => {
      const body = await getJson(s, "/presets");
      hasKeys(body, ["styles", "artists", "composition", "lighting"], "/presets");
      let total = 0;
      for (const [cat, entries] of Object.entries(body) as [string, Json][]) {
        equal(entries.None, "", `${cat} has "None": ""`);
        ok(Object.keys(entries).length > 2, `${cat} has more than one preset`);
        for (const [name, text] of Object.entries(entries)) {
          ok(name.length > 0, `${cat} has no empty name`);
          equal(typeof text, "string", `${cat}.${name} is text`);
          if (name !== "None") ok((text as string).length > 0, `${cat}.${name} is not empty`);
          if (name !== "None") total++;
        }
      }
      ok(total >= 50, `at least 50 legacy presets (${total})`);
      for (
        const [cat, name] of [
          ["styles", "Cinematic"],
          ["styles", "Photorealistic"],
          ["composition", "Portrait"],
          ["lighting", "Golden Hour"],
        ]
      ) {
        ok(Object.hasOwn(body[cat!] as Json, name!), `${cat} has ${name}`);
      }
    });

    await t.step("GET /models: models and default", async () => {
      const body = await getJson(s, "/models");
      hasKeys(body, ["models", "default"], "/models");
      ok(Array.isArray(body.models));
      equal(body.default, "qwen3:latest");
    });

    await t.step("GET /api/categories and the level routes", async () => {
      const cats = await getJson(s, "/api/categories");
      hasKeys(cats, ["version", "categories"], "/api/categories");
      const list = cats.categories as Json[];
      for (const c of list) {
        hasKeys(c, ["id", "name", "icon", "description", "popularity", "best_for"], `category`);
      }
      const firstMedium = list.findIndex((c) => c.popularity !== "high");
      ok(list.slice(firstMedium).every((c) => c.popularity !== "high"), "high popularity first");

      for (const cat of ["photography", "fantasy"]) {
        const types = await getJson(s, `/api/categories/${cat}/types`);
        hasKeys(types, ["category_id", "category_name", "types"], `${cat} types`);
        for (const ty of types.types as Json[]) {
          hasKeys(ty, ["id", "name", "description", "icon", "popularity"], `${cat} type`);
        }
      }
      for (const [cat, type] of [["photography", "portrait"], ["fantasy", "high_fantasy"]]) {
        const artists = await getJson(s, `/api/categories/${cat}/types/${type}/artists`);
        hasKeys(artists, ["category_id", "type_id", "type_name", "artists"], `${type} artists`);
        for (const a of artists.artists as Json[]) {
          hasKeys(a, [
            "id",
            "name",
            "description",
            "signature",
            "best_for",
            "popularity",
            "has_technical",
            "has_specifics",
          ], `${type} artist`);
        }
      }
      for (
        const [path, key] of [
          ["/api/artists/photography/portrait/annie_leibovitz/technical", "technical_options"],
          ["/api/artists/photography/portrait/annie_leibovitz/specifics", "scene_specifics"],
          ["/api/artists/fantasy/high_fantasy/greg_rutkowski/technical", "technical_options"],
        ]
      ) {
        const body = await getJson(s, path!);
        hasKeys(
          body,
          ["category_id", "type_id", "artist_id", "artist_name", key!],
          path!,
        );
      }
    });

    await t.step("unknown level ids are the original's 404 titles", async () => {
      for (
        const [path, title] of [
          ["/api/categories/nonexistent/types", "Category not found"],
          ["/api/categories/nonexistent/types/x/artists", "Category not found"],
          ["/api/categories/photography/types/nonexistent/artists", "Type not found"],
          ["/api/artists/photography/portrait/nonexistent/technical", "Artist not found"],
          ["/api/artists/photography/portrait/nonexistent/specifics", "Artist not found"],
        ]
      ) {
        const body = await getJson(s, path!, 404);
        equal(body.error, title, path);
        equal(typeof body.message, "string");
      }
    });

    await t.step("GET /api/preset-packs: level1…level5 beside our keys", async () => {
      const body = await getJson(s, "/api/preset-packs");
      const packs = body.packs as Json[];
      ok(packs.length >= 5);
      for (const pack of packs) {
        hasKeys(pack, ["id", "name", "icon", "description", "selections"], "pack");
        const sel = pack.selections as Json;
        hasKeys(
          sel,
          ["level1", "level2", "level3", "level4", "level5", "category", "type", "artist"],
          `pack ${pack.id} selections`,
        );
        equal(sel.level1, sel.category);
        equal(sel.level2, sel.type);
        equal(sel.level3, sel.artist);
        deepEqual(sel.level4, sel.technical ?? {});
        deepEqual(sel.level5, sel.specifics ?? {});
      }
    });

    await t.step("GET /api/universal-options: the original's groups beside ours", async () => {
      const body = await getJson(s, "/api/universal-options");
      const u = body.universal_options as Json;
      for (const [path, ids] of Object.entries(ORIGINAL_UNIVERSAL_IDS)) {
        const options = at(u, path) as Json[];
        ok(Array.isArray(options), `universal_options.${path} is a list`);
        for (const o of options) hasKeys(o, ["id", "name", "description"], path);
        const have = options.map((o) => o.id);
        for (const id of ids) ok(have.includes(id), `universal_options.${path} offers ${id}`);
      }
      for (const o of at(u, "color_palettes.options") as Json[]) {
        ok(Array.isArray(o.colors) && (o.colors as unknown[]).length > 0, `${o.id} has colors`);
        equal(typeof o.feel, "string", `${o.id} has a feel`);
      }
      const byCategory = at(u, "mood.by_category") as Record<string, string[]>;
      hasKeys(byCategory, ["fantasy", "horror", "scifi", "comic_book", "anime"], "by_category");
      const moods = (at(u, "mood.core") as Json[]).map((o) => o.id);
      for (const [cat, ids] of Object.entries(byCategory)) {
        for (const id of ids) ok(moods.includes(id), `by_category.${cat} names the mood ${id}`);
      }
      // Ours stay as they were; the original's names for two of them say which they repeat.
      for (const key of ["mood", "time_of_day", "lighting", "weather", "color_palette"]) {
        hasKeys(u[key], ["name", "options"], `universal_options.${key}`);
        equal((u[key] as Json).alias_of, undefined);
      }
      equal((u.weather_atmosphere as Json).alias_of, "weather");
      equal((u.color_palettes as Json).alias_of, "color_palette");
    });

    await t.step("GET /api/personas and /api/personas/:id", async () => {
      const list = await getJson(s, "/api/personas");
      ok(Object.keys(list).length >= 6);
      for (const [id, p] of Object.entries(list)) {
        hasKeys(p, [
          "name",
          "description",
          "icon",
          "category",
          "prompt_file",
          "features",
          "best_for",
          "supports_presets",
          "supports_quick_generate",
          "supports_streaming",
        ], `persona ${id}`);
      }
      const one = await getJson(s, "/api/personas/creative_vision_guide");
      hasKeys(one, ["id", "name", "icon", "category", "features", "system_prompt"], "persona");
      const missing = await getJson(s, "/api/personas/invalid_id", 404);
      equal(missing.error, "Persona not found");
      equal(typeof missing.message, "string");
    });

    await t.step("unknown routes and wrong methods are JSON 404 and 405", async () => {
      const nf = await getJson(s, "/definitely-not-here", 404);
      ok(nf.error || nf.message);
      const res = await s.call("/", { method: "POST" });
      equal(res.status, 405);
      ok((await res.json()).error);
      const badId = await s.call("/history/abc", { method: "DELETE" });
      equal(badId.status, 404);
      ok((await badId.json()).error);
    });
  } finally {
    await s.close();
  }
});

Deno.test("compat: GET /models with Ollama down is the original's 503 connection error", async () => {
  const s = await startCompatServer({ ollamaDown: true });
  try {
    const body = await getJson(s, "/models", 503);
    hasKeys(body, ["error", "message", "status", "type"], "503 body");
    equal(body.type, "connection_error");
    equal(body.status, 503);
  } finally {
    await s.close();
  }
});
