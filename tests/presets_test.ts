import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { join } from "node:path";
import { copyFolder, startTestApp } from "./helpers.ts";
import { buildCatalog, BUILTIN_PRESETS, readPresetFolder } from "../lib/presets/catalog.ts";
import { PresetStore } from "../lib/presets/store.ts";
import { resolvePresets } from "../lib/prompt/assembly.ts";

const SEED_NAMES = {
  styles: [
    "Cinematic",
    "Anime",
    "Photorealistic",
    "Oil Painting",
    "Digital Art",
    "Watercolor",
    "Cyberpunk",
    "Fantasy Art",
    "Comic Book",
    "Minimalist",
    "Surreal",
    "Vintage",
    "3D Render",
    "Pencil Sketch",
    "Boudoir",
    "Pin-up",
    "Artistic Nude",
    "Glamour",
    "Sensual Portrait",
  ],
  artists: [
    "Greg Rutkowski",
    "Artgerm",
    "Ross Tran",
    "Loish",
    "Alphonse Mucha",
    "H.R. Giger",
    "Moebius",
    "Zdzisław Beksiński",
    "Ansel Adams",
    "Annie Leibovitz",
    "Steve McCurry",
    "Peter Lindbergh",
    "Sebastião Salgado",
    "Irving Penn",
    "Hayao Miyazaki",
    "Makoto Shinkai",
    "Simon Stålenhag",
    "Helmut Newton",
    "Ellen von Unwerth",
    "Rankin",
    "David LaChapelle",
    "Patrick Demarchelier",
    "Luis Royo",
  ],
  composition: [
    "Portrait",
    "Landscape",
    "Close-up",
    "Wide Shot",
    "Medium Shot",
    "Extreme Close-up",
    "Bird's Eye View",
    "Low Angle",
    "High Angle",
    "Dutch Angle",
    "Rule of Thirds",
    "Symmetrical",
    "Leading Lines",
    "Frame within Frame",
    "Golden Ratio",
    "Reclining Pose",
    "Over Shoulder",
    "Back View",
    "Figure Study",
    "Intimate Close",
  ],
  lighting: [
    "Golden Hour",
    "Blue Hour",
    "Natural Window Light",
    "Harsh Sunlight",
    "Overcast",
    "Soft Diffused",
    "Neon Lighting",
    "Volumetric Lighting",
    "Backlit",
    "Dramatic Shadows",
    "Moonlight",
    "Candlelight",
    "Fire Light",
    "Underwater Light",
    "Silk Lighting",
    "Low Key Dramatic",
    "Boudoir Soft",
    "Rim Light Silhouette",
    "Warm Amber Glow",
  ],
} as const;

function fullCatalog() {
  return buildCatalog(readPresetFolder(BUILTIN_PRESETS, "presets/"));
}

Deno.test("the shipped presets validate and meet the counts", () => {
  const c = fullCatalog();
  const legacyCount = Object.values(c.legacy).reduce((n, cat) => n + Object.keys(cat).length, 0);
  ok(legacyCount >= 84, `legacy entries: ${legacyCount}`);
  for (const [cat, names] of Object.entries(SEED_NAMES)) {
    for (const name of names) {
      ok(c.legacy[cat as keyof typeof SEED_NAMES][name], `${cat}/${name} missing`);
    }
  }
  for (
    const id of [
      "photography",
      "comic_book",
      "anime",
      "fantasy",
      "horror",
      "scifi",
      "adult_photography",
    ]
  ) {
    ok(c.categories.some((x) => x.id === id), `category ${id}`);
  }
  let artists = 0;
  for (const cat of c.categories) {
    ok(cat.types.length >= 3 && cat.types.length <= 8, `${cat.id} has ${cat.types.length} types`);
    for (const type of cat.types) {
      ok(type.artists.length >= 2, `${cat.id}/${type.id} has ${type.artists.length} artists`);
      for (const a of type.artists) {
        artists++;
        ok(Object.keys(a.technical).length > 0, `${a.id} has technical options`);
        ok(Object.keys(a.specifics).length > 0, `${a.id} has scene specifics`);
        ok(a.name && a.description && a.signature && a.best_for.length && a.popularity, a.id);
      }
    }
  }
  ok(artists >= 70, `artists: ${artists}`);
  ok(c.packs.length >= 9);
  for (
    const group of ["mood", "time_of_day", "lighting", "weather", "color_palette", "camera_effects"]
  ) {
    ok(c.universal[group], group);
  }
  equal(c.universal.mood!.multi, true);
  equal(c.universal.camera_effects!.multi, true);
  ok(c.universal.color_palette!.options.every((o) => o.colors?.length && o.feel));
});

Deno.test("every id a pack names exists, and applying it resolves", () => {
  const c = fullCatalog();
  for (const pack of c.packs) {
    const r = resolvePresets(c, { selections: { pack: pack.id } });
    ok(r.lines.length >= 3, pack.id);
  }
  for (
    const seedPack of [
      "90s X-Men Comic",
      "Studio Ghibli Magic",
      "Blade Runner Street Scene",
      "Epic Fantasy Battle",
      "Leibovitz Portrait Session",
      "Newton Bold Fashion",
      "Vintage Pin-up Classic",
      "Artistic Figure Study",
      "Playful Boudoir",
    ]
  ) {
    ok(c.packs.some((p) => p.name === seedPack), seedPack);
  }
});

Deno.test("a broken pack reference is refused with the file and the id", () => {
  const files = readPresetFolder(BUILTIN_PRESETS, "presets/");
  const packs = JSON.parse(files.packs!.text);
  packs.packs[0].selections.artist = "nobody";
  files.packs!.text = JSON.stringify(packs);
  try {
    buildCatalog(files);
    ok(false, "should have thrown");
  } catch (err) {
    match((err as Error).message, /packs\.json: pack "xmen_90s" names the unknown artist "nobody"/);
  }
});

Deno.test("a schema error names the file and the JSON path", () => {
  const files = readPresetFolder(BUILTIN_PRESETS, "presets/");
  const cat = JSON.parse(files.categories[0]!.text);
  cat.types[1].artists[0].best_for = [];
  files.categories[0]!.text = JSON.stringify(cat);
  try {
    buildCatalog(files);
    ok(false, "should have thrown");
  } catch (err) {
    match(
      (err as Error).message,
      /^presets\/hierarchical\/adult_photography\.json: types\.1\.artists\.0\.best_for: /,
    );
  }
});

Deno.test("adult presets are hidden from every listing unless enabled", async () => {
  const t = await startTestApp();
  try {
    const presets = await (await t.request("/presets")).json();
    ok(!("Boudoir" in presets.styles));
    ok(!("Helmut Newton" in presets.artists));
    const cats = await (await t.request("/api/categories")).json();
    ok(!cats.categories.some((c: { id: string }) => c.id === "adult_photography"));
    const packs = await (await t.request("/api/preset-packs")).json();
    ok(!packs.packs.some((p: { id: string }) => p.id === "playful_boudoir"));
    equal((await t.request("/api/categories/adult_photography/types")).status, 404);
    const res = await t.post("/generate", { input: "x", style: "Boudoir", dry_run: true });
    equal(res.status, 400);
    match((await res.json()).message, /ENABLE_NSFW_PRESETS/);
    equal(
      (await t.post("/generate", {
        input: "x",
        selections: { pack: "playful_boudoir" },
        dry_run: true,
      })).status,
      400,
    );
  } finally {
    await t.close();
  }
  const adult = await startTestApp({ env: { ENABLE_NSFW_PRESETS: "true" } });
  try {
    const presets = await (await adult.request("/presets")).json();
    equal(presets.styles.Boudoir, fullCatalog().legacy.styles.Boudoir!.text);
    const res = await adult.post("/generate", {
      input: "x",
      selections: { pack: "playful_boudoir" },
      dry_run: true,
      model: "sdxl",
    });
    equal(res.status, 200);
    match((await res.json()).preset_negatives.join(","), /explicit/);
  } finally {
    await adult.close();
  }
});

Deno.test("GET /presets has the legacy shape with None first", async () => {
  const t = await startTestApp();
  try {
    const body = await (await t.request("/presets")).json();
    deepEqual(Object.keys(body), ["styles", "artists", "composition", "lighting"]);
    for (const cat of Object.values(body) as Record<string, string>[]) {
      equal(Object.keys(cat)[0], "None");
      equal(cat.None, "");
    }
    equal(
      body.styles.Cinematic,
      "cinematic film still, anamorphic widescreen framing, deliberate colour grade, subtle film grain",
    );
  } finally {
    await t.close();
  }
});

Deno.test("the hierarchical routes walk levels 1 to 5 and 404 unknown ids", async () => {
  const t = await startTestApp();
  try {
    const cats = await (await t.request("/api/categories")).json();
    equal(cats.categories[0].popularity, "high");
    const types = await (await t.request("/api/categories/photography/types")).json();
    equal(types.category_name, "Photography");
    ok(types.types.some((x: { id: string }) => x.id === "portrait"));
    const artists = await (await t.request("/api/categories/photography/types/portrait/artists"))
      .json();
    const annie = artists.artists.find((a: { id: string }) => a.id === "annie_leibovitz");
    equal(annie.has_technical, true);
    equal(annie.has_specifics, true);
    const tech =
      await (await t.request("/api/artists/photography/portrait/annie_leibovitz/technical")).json();
    ok(tech.technical_options.lens.options.length >= 4, "category lens options inherited");
    ok(tech.technical_options.lighting, "artist-specific lighting group");
    const spec = await (await t.request("/api/artists/photography/portrait/irving_penn/specifics"))
      .json();
    ok(
      spec.scene_specifics.expression,
      "type-level specifics apply to an artist without overrides",
    );
    for (
      const [path, title] of [
        ["/api/categories/nope/types", "Category not found"],
        ["/api/categories/photography/types/nope/artists", "Type not found"],
        ["/api/artists/photography/portrait/nope/technical", "Artist not found"],
      ]
    ) {
      const res = await t.request(path!);
      equal(res.status, 404);
      const body = await res.json();
      equal(body.error, title);
      match(body.message, /nope/);
    }
  } finally {
    await t.close();
  }
});

Deno.test("unknown hierarchical ids in a request are 400s naming the id", async () => {
  const t = await startTestApp();
  try {
    const cases: [unknown, RegExp][] = [
      [{ category: "nope" }, /selections\.category: unknown category "nope"/],
      [{ category: "photography", type: "nope" }, /selections\.type: unknown type "nope"/],
      [
        { category: "photography", type: "portrait", artist: "nope" },
        /selections\.artist: unknown artist "nope"/,
      ],
      [{
        category: "photography",
        type: "portrait",
        artist: "irving_penn",
        technical: { lens: "999mm" },
      }, /selections\.technical\.lens: unknown option "999mm"/],
      [{ universal: { mood: ["grumpy"] } }, /selections\.universal\.mood: unknown option "grumpy"/],
      [{ universal: { time_of_day: ["dawn", "dusk"] } }, /choose one value/],
      [{ pack: "nope" }, /selections\.pack: unknown pack "nope"/],
    ];
    for (const [selections, message] of cases) {
      const res = await t.post("/generate", { input: "x", selections, dry_run: true });
      equal(res.status, 400, JSON.stringify(selections));
      match((await res.json()).message, message);
    }
  } finally {
    await t.close();
  }
});

Deno.test("golden: assembled messages for legacy, hierarchical and universal picks", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/generate", {
      input: "a lighthouse keeper",
      model: "sdxl",
      style: "Oil Painting",
      lighting: "Moonlight",
      selections: {
        category: "photography",
        type: "portrait",
        artist: "irving_penn",
        technical: { lens: "85mm_portrait" },
        specifics: { expression: "pensive" },
        universal: { mood: ["melancholic", "mysterious"], color_palette: "cool_tones" },
      },
      dry_run: true,
    });
    const body = await res.json();
    equal(
      body.messages[1].content,
      [
        "Idea: a lighthouse keeper",
        "",
        "The idea fixes the subject, the action and the setting. The presets below shape style, light, colour and framing: adapt or leave out any that contradict the idea.",
        "",
        "Presets:",
        "- Style: oil painting on canvas, visible impasto brushstrokes, layered glazes, rich pigment",
        "- Lighting: cold moonlight, silver-blue highlights, deep night shadows",
        "- Genre: Photography › Portrait: People as the subject: character, expression and light on a face.",
        "- Artist influence: in the manner of Irving Penn, spare studio portrait, corner backdrop, platinum-print tonality (signature: Corner backdrop, platinum-print tones, formal restraint)",
        "- Lens: 85mm portrait lens, flattering compression",
        "- Expression: pensive, eyes looking away",
        "- Mood: melancholic, wistful and quiet; mysterious, veiled and secretive",
        "- Colour palette: cool palette of teal, slate and ice blue (feels calm, distant)",
        "",
        "Write the prompt now.",
      ].join("\n"),
    );
    // "photograph" and "painting" go: the chosen genre and style ask for both.
    deepEqual(body.preset_negatives, [
      "digital smoothness",
      "illustration",
      "cartoon",
      "cgi",
      "deformed face",
      "asymmetric eyes",
      "bad teeth",
    ]);
    match(body.messages[0].content, /POSITIVE: <tags>\nNEGATIVE: <tags>/);
  } finally {
    await t.close();
  }
});

Deno.test("preset negatives reach the final negative only for targets that have one", async () => {
  const t = await startTestApp();
  try {
    const sdxl =
      await (await t.post("/generate", { input: "x", model: "sdxl", style: "Pencil Sketch" }))
        .json();
    match(sdxl.negative, /colour, paint$/);
    const flux =
      await (await t.post("/generate", { input: "x", model: "flux", style: "Pencil Sketch" }))
        .json();
    equal(flux.negative, null);
  } finally {
    await t.close();
  }
});

Deno.test("preset file edits take effect without a restart, and a broken edit keeps the last good data", async () => {
  const dir = await Deno.makeTempDir();
  await copyFolder(BUILTIN_PRESETS, join(dir, "builtin"));
  let clock = 0;
  const store = new PresetStore({
    builtinDir: join(dir, "builtin"),
    userDir: join(dir, "user"),
    now: () => clock,
  });
  try {
    const legacyPath = join(dir, "builtin", "legacy.json");
    const legacy = JSON.parse(await Deno.readTextFile(legacyPath));
    legacy.styles.Cinematic = "EDITED cinematic";
    await Deno.writeTextFile(legacyPath, JSON.stringify(legacy));
    clock += 1500;
    equal(store.get(false).legacy.styles.Cinematic!.text, "EDITED cinematic");

    await Deno.writeTextFile(legacyPath, "{ broken");
    clock += 1500;
    equal(store.get(false).legacy.styles.Cinematic!.text, "EDITED cinematic");
    match(store.lastError!, /legacy\.json: not valid JSON/);

    await Deno.mkdir(join(dir, "user", "hierarchical"), { recursive: true });
    await Deno.writeTextFile(
      join(dir, "user", "legacy.json"),
      JSON.stringify({ styles: { "My Style": "my own words" } }),
    );
    await Deno.writeTextFile(
      join(dir, "user", "hierarchical", "photo_extra.json"),
      JSON.stringify({
        id: "photography",
        types: [{
          id: "portrait",
          artists: [
            {
              id: "my_hero",
              name: "My Hero",
              description: "d",
              signature: "s",
              best_for: ["x"],
              popularity: "high",
              text: "in my hero's style",
            },
            {
              id: "irving_penn",
              name: "Irving Penn (mine)",
              description: "d",
              signature: "s",
              best_for: ["x"],
              popularity: "high",
              text: "mine",
            },
          ],
        }],
      }),
    );
    await Deno.writeTextFile(legacyPath, JSON.stringify(legacy));
    clock += 1500;
    const c = store.get(false);
    equal(store.lastError, null);
    equal(c.legacy.styles["My Style"]!.text, "my own words");
    const portrait = c.categories.find((x) => x.id === "photography")!.types.find((x) =>
      x.id === "portrait"
    )!;
    ok(portrait.artists.some((a) => a.id === "my_hero"));
    equal(portrait.artists.find((a) => a.id === "irving_penn")!.name, "Irving Penn (mine)");
    ok(
      portrait.artists.find((a) => a.id === "my_hero")!.technical.lens,
      "user artist inherits category options",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("custom presets are created, used, edited and deleted through the API", async () => {
  const t = await startTestApp();
  try {
    const created = await t.post("/api/presets/custom", {
      kind: "styles",
      name: "Moody Teal",
      text: "teal and orange grade, moody",
      negative: "washed out",
    });
    equal(created.status, 201);
    const preset = await created.json();
    equal(
      (await (await t.request("/presets")).json()).styles["Moody Teal"],
      "teal and orange grade, moody",
    );
    const dry = await (await t.post("/generate", {
      input: "x",
      model: "sdxl",
      style: "Moody Teal",
      dry_run: true,
    })).json();
    deepEqual(dry.preset_negatives, ["washed out"]);

    equal(
      (await t.post("/api/presets/custom", { kind: "styles", name: "Moody Teal", text: "again" }))
        .status,
      409,
    );
    const badPack = await t.post("/api/presets/custom", {
      kind: "packs",
      name: "P",
      selections: { category: "photography", type: "nope" },
    });
    equal(badPack.status, 400);
    const pack = await t.post("/api/presets/custom", {
      kind: "packs",
      name: "My Portraits",
      selections: { category: "photography", type: "portrait", artist: "irving_penn" },
    });
    equal(pack.status, 201);
    // A pack sent in the original's level keys is stored in ours and listed in both.
    const theirs = await t.post("/api/presets/custom", {
      kind: "packs",
      name: "Old Client Pack",
      selections: { level1: "photography", level2: "portrait", level3: "irving_penn" },
    });
    equal(theirs.status, 201);
    equal((await theirs.json()).selections.category, "photography");
    const packs = await (await t.request("/api/preset-packs")).json();
    ok(
      packs.packs.some((p: { id: string; custom?: boolean }) =>
        p.id === "custom_my_portraits" && p.custom
      ),
    );
    const old = packs.packs.find((p: { id: string }) => p.id === "custom_old_client_pack");
    equal(old.selections.type, "portrait");
    equal(old.selections.level3, "irving_penn");

    const edited = await t.app.request(`/api/presets/custom/${preset.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "styles", name: "Moody Teal", text: "new words" }),
    });
    equal(edited.status, 200);
    equal((await (await t.request("/presets")).json()).styles["Moody Teal"], "new words");
    equal(
      (await t.app.request(`/api/presets/custom/${preset.id}`, { method: "DELETE" })).status,
      200,
    );
    equal(
      (await t.app.request(`/api/presets/custom/${preset.id}`, { method: "DELETE" })).status,
      404,
    );
    ok(!("Moody Teal" in (await (await t.request("/presets")).json()).styles));
  } finally {
    await t.close();
  }
});

Deno.test("a broken user preset file at start-up falls back to the built-in presets and says why", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "legacy.json"), "{ not json");
    const store = new PresetStore({ userDir: dir });
    match(store.lastError!, /DATA_DIR\/presets\/legacy\.json: not valid JSON/);
    ok(store.get(false).legacy.styles.Cinematic, "built-in presets are there");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with fixed built-ins (a compiled binary) only the user's preset folder is watched", async () => {
  const dir = await Deno.makeTempDir();
  await copyFolder(BUILTIN_PRESETS, join(dir, "builtin"));
  let clock = 0;
  const store = new PresetStore({
    builtinDir: join(dir, "builtin"),
    userDir: join(dir, "user"),
    builtinFixed: true,
    now: () => clock,
  });
  try {
    const before = store.get(false).legacy.styles.Cinematic!.text;
    const legacyPath = join(dir, "builtin", "legacy.json");
    const legacy = JSON.parse(await Deno.readTextFile(legacyPath));
    legacy.styles.Cinematic = "EDITED cinematic";
    await Deno.writeTextFile(legacyPath, JSON.stringify(legacy));
    clock += 1500;
    equal(store.get(false).legacy.styles.Cinematic!.text, before);

    await Deno.mkdir(join(dir, "user"), { recursive: true });
    await Deno.writeTextFile(
      join(dir, "user", "legacy.json"),
      JSON.stringify({ styles: { "My Style": "my own words" } }),
    );
    clock += 1500;
    equal(store.get(false).legacy.styles["My Style"]!.text, "my own words");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reload() reads preset edits at once and throws on a broken file, keeping the last good", async () => {
  const dir = await Deno.makeTempDir();
  await copyFolder(BUILTIN_PRESETS, dir);
  const store = new PresetStore({ builtinDir: dir, now: () => 0 });
  try {
    const legacyPath = join(dir, "legacy.json");
    const legacy = JSON.parse(await Deno.readTextFile(legacyPath));
    legacy.styles.Cinematic = "RELOADED cinematic";
    await Deno.writeTextFile(legacyPath, JSON.stringify(legacy));
    // The clock stands still, so only reload() can see the edit.
    equal(store.get(false).legacy.styles.Cinematic!.text.startsWith("RELOADED"), false);
    store.reload();
    equal(store.get(false).legacy.styles.Cinematic!.text, "RELOADED cinematic");
    await Deno.writeTextFile(legacyPath, "{ broken");
    throws(() => store.reload(), /legacy\.json: not valid JSON/);
    equal(store.get(false).legacy.styles.Cinematic!.text, "RELOADED cinematic");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("universal by_category must name real categories and options of its group", () => {
  const files = readPresetFolder(BUILTIN_PRESETS, "presets/");
  const universal = JSON.parse(files.universal!.text);
  for (
    const [byCategory, pattern] of [
      [{ nowhere: ["epic"] }, /universal\.json: mood\.by_category: there is no category "nowhere"/],
      [{ fantasy: ["grumpy"] }, /mood\.by_category\.fantasy: "grumpy" is not one of the mood/],
    ] as [Record<string, string[]>, RegExp][]
  ) {
    universal.mood.by_category = byCategory;
    files.universal!.text = JSON.stringify(universal);
    throws(() => buildCatalog(files), pattern);
  }
});

Deno.test("/api/universal-options lists adult categories in mood.by_category only when enabled", async () => {
  const safe = await startTestApp();
  const adult = await startTestApp({ env: { ENABLE_NSFW_PRESETS: "true" } });
  try {
    const byCategory = async (t: typeof safe) =>
      (await (await t.request("/api/universal-options")).json()).universal_options.mood
        .by_category;
    const hidden = await byCategory(safe);
    const shown = await byCategory(adult);
    ok(!("adult_photography" in hidden));
    ok("adult_photography" in shown);
    ok("fantasy" in hidden);
  } finally {
    await safe.close();
    await adult.close();
  }
});
