import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { compose } from "./composer.ts";
import { loadTargets, type Target } from "./targets.ts";
import { buildCatalog, BUILTIN_PRESETS, readPresetFolder } from "../presets/catalog.ts";
import { type PresetRequest, resolvePresets } from "./assembly.ts";
import { estimateClipTokens } from "./tokens.ts";
import { budgetTokens, countForTarget } from "./target_tokens.ts";
import { contentWords } from "./repeats.ts";
import { BUILTIN_WILDCARDS } from "./wildcards.ts";
import { matchGolden } from "../../tests/support/golden.ts";

const catalog = buildCatalog(readPresetFolder(BUILTIN_PRESETS, "presets/"));
const targets = loadTargets();
const target = (id: string) => targets.find((t) => t.id === id)!;
const presets = (req: PresetRequest) => resolvePresets(catalog, req);
const WITCH = presets({
  style: "Watercolor",
  lighting: "Golden Hour",
  selections: {
    category: "fantasy",
    type: "fairy_tale",
    artist: "arthur_rackham",
    specifics: { story_moment: "enchanted_cottage" },
    universal: { mood: ["whimsical"], color_palette: "earth_tones" },
  },
});
const HEAVY = presets({
  style: "Cinematic",
  lighting: "Neon Lighting",
  composition: "Low Angle",
  selections: {
    category: "scifi",
    type: "cyberpunk",
    artist: "syd_mead",
    technical: { render: "film_still" },
    specifics: { street: "night_market" },
    universal: {
      mood: ["mysterious", "energetic"],
      time_of_day: "night",
      weather: "rainy",
      color_palette: "neon",
      camera_effects: ["bokeh", "film_grain"],
    },
  },
});
const NONE = presets({});

/** Content words said more than once, leaving out the fixed prefixes the target asks for. */
function repeatedWords(text: string, t: Target): string[] {
  let rest = text;
  for (const q of t.quality_tags) rest = rest.replace(q, " ");
  const words = contentWords(rest.replace(/[(),.;:]|:\d\.\d/g, " "));
  return [...new Set(words.filter((w, i) => words.indexOf(w) !== i))];
}

for (const t of targets) {
  Deno.test(`compose() golden for ${t.id}: the witch with watercolour, golden hour and Rackham`, () => {
    const r = compose({ idea: "an old witch feeding crows", target: t, presets: WITCH, seed: 11 });
    matchGolden(
      `composer/${t.id}.txt`,
      `POSITIVE: ${r.positive}\nNEGATIVE: ${r.negative}\nNOTE: ${r.note}\nTOKENS: ${r.tokens}\n`,
    );
  });

  Deno.test(`compose() for ${t.id} says no word twice and fits the budget, even with every preset`, () => {
    for (
      const [idea, chosen] of [["an old witch feeding crows", WITCH], ["a courier", HEAVY]] as const
    ) {
      for (const seed of [1, 2, 3]) {
        const r = compose({ idea, target: t, presets: chosen, seed });
        deepEqual(repeatedWords(r.positive, t), [], r.positive);
        ok(r.tokens <= t.token_budget, `${r.tokens} > ${t.token_budget}: ${r.positive}`);
        equal(r.tokens, budgetTokens(countForTarget(r.positive, t)));
      }
    }
  });
}

Deno.test("compose() splits the idea into subject, action and setting tags, weighting the subject", () => {
  const r = compose({
    idea: "a dragon sleeping on a hoard of gold",
    target: target("sdxl"),
    presets: NONE,
  });
  equal(
    r.positive,
    "best quality, highly detailed, sharp focus, (dragon:1.2), sleeping, on a hoard of gold",
  );
  const noSubject = compose({
    idea: "waiting at a bus stop",
    target: target("sd15"),
    presets: NONE,
  });
  equal(
    noSubject.positive,
    "masterpiece, best quality, highly detailed, (waiting:1.2), at a bus stop",
  );
});

Deno.test("compose() writes Pony's score, source and rating tags and no artist names", () => {
  const r = compose({
    idea: "a girl reading under a tree",
    target: target("pony"),
    presets: presets({
      selections: { category: "anime", type: "studio_ghibli", artist: "hayao_miyazaki" },
    }),
    seed: 3,
  });
  ok(
    r.positive.startsWith(
      "score_9, score_8_up, score_7_up, source_anime, rating_safe, 1girl, solo, (reading:1.2), under a tree",
    ),
    r.positive,
  );
  ok(!/miyazaki/i.test(r.positive), r.positive);
  match(r.note!, /Pony V6 ignores artist names, so Hayao Miyazaki is described by the look/);
  ok(r.negative!.startsWith("score_6, score_5, score_4"));
});

Deno.test("compose() writes Illustrious' quality tags and the artist as a bare Danbooru tag, no score tags", () => {
  const r = compose({
    idea: "a girl reading under a tree",
    target: target("illustrious"),
    presets: presets({
      selections: { category: "anime", type: "studio_ghibli", artist: "hayao_miyazaki" },
    }),
    seed: 3,
  });
  ok(
    r.positive.startsWith(
      "masterpiece, best quality, amazing quality, very aesthetic, absurdres, 1girl, solo, (reading:1.2), under a tree, hayao miyazaki,",
    ),
    r.positive,
  );
  ok(!r.positive.includes("score_"), r.positive);
  ok(!r.positive.includes("in the style of"), r.positive);
});

Deno.test("compose() Flux sentences differ between seeds beyond their first word", () => {
  const shapes = new Set<string>();
  for (let seed = 0; seed < 8; seed++) {
    const r = compose({
      idea: "an old witch feeding crows",
      target: target("flux"),
      presets: WITCH,
      seed,
    });
    // Every sentence without its first word: what is left must still vary with the seed.
    shapes.add(r.positive.split(". ").map((s) => s.split(" ").slice(1).join(" ")).join(". "));
  }
  ok(shapes.size >= 4, `${shapes.size} shapes`);
});

Deno.test("compose() puts the style where each prose target wants it", () => {
  const first = (id: string) =>
    compose({ idea: "an old witch feeding crows", target: target(id), presets: WITCH, seed: 5 })
      .positive.split(". ")[0]!;
  ok(first("flux").startsWith("An old witch feeding crows"));
  ok(/watercolor/i.test(first("qwen_image")), "Qwen-Image: style first");
  ok(
    /^An old witch feeding crows, watercolor painting/.test(first("sd35")),
    "SD 3.5: with the subject",
  );
  ok(/watercolor/i.test(first("wan")), "WAN: a style, when there is one, comes first");
  ok(
    compose({ idea: "a jazz poster", target: target("qwen_image"), presets: NONE }).positive
      .endsWith("Ultra HD, 4K, cinematic composition."),
  );
});

Deno.test("compose() writes a WAN clip: motion, a camera movement and its timing", () => {
  const r = compose({
    idea: "a courier cycling through a market",
    target: target("wan"),
    presets: HEAVY,
    seed: 4,
  });
  match(r.positive, /rain keeps falling/i);
  match(r.positive, /low-angle shot, the camera tilting up/i);
  match(r.positive, /one continuous take of about five seconds/i);
  ok(r.negative!.includes("motionless"));
});

Deno.test("compose() keeps tag targets within the token budget and cuts extras before main tags", () => {
  const r = compose({
    idea: "a cyberpunk warrior in a neon city",
    target: target("sdxl"),
    presets: HEAVY,
  });
  ok(estimateClipTokens(r.positive) <= 75, `${estimateClipTokens(r.positive)} tokens`);
  for (
    const core of [
      "(cyberpunk warrior:1.2)",
      "in a neon city",
      "(cinematic film still:1.1)",
      "(in the style of Syd Mead:1.1)",
      "low-angle shot looking up",
    ]
  ) {
    ok(r.positive.includes(core), `${core} in ${r.positive}`);
  }
  ok(
    !r.positive.includes("subtle film grain"),
    "a style's extra tags go before other slots' main tag",
  );
});

Deno.test("compose() uses a pack's scene only where the idea leaves it open, and says so", () => {
  const pack = presets({ selections: { pack: "epic_fantasy_battle" }, lighting: "Candlelight" });
  const r = compose({
    idea: "a dragon sleeping on a hoard of gold",
    target: target("sdxl"),
    presets: pack,
  });
  ok(!/battlefield|colossal/.test(r.positive), r.positive);
  match(r.positive, /\(dragon:1\.2\), sleeping, on a hoard of gold/);
  match(r.positive, /candlelight/);
  ok(!/volumetric/.test(r.positive), "the pack's lighting collides with the chosen one");
  match(r.note!, /Left out the pack's creature, location and drama/);
  match(r.note!, /Lighting "volumetric light rays through haze" left out/);
  const open = compose({ idea: "a dragon", target: target("sdxl"), presets: pack });
  match(open.positive, /battlefield/);
});

Deno.test("compose() never puts in the negative what the positive asks for", () => {
  const r = compose({
    idea: "a girl reading",
    target: target("sdxl"),
    presets: presets({ style: "Photorealistic", selections: { category: "anime" } }),
  });
  match(r.positive, /photorealistic/);
  ok(!/(^|, )photorealistic(,|$)/.test(r.negative!), r.negative!);
  match(r.negative!, /3d render/);
});

Deno.test("compose() keeps a foreign idea's words and says it cannot translate", () => {
  for (
    const idea of [
      "un zorro rojo en la nieve",
      "ein roter Fuchs im Schnee",
      "雪の中の赤い狐",
      "雪地里的红狐狸",
    ]
  ) {
    for (const id of ["flux", "sdxl"]) {
      const r = compose({ idea, target: target(id), presets: NONE });
      ok(
        r.positive.includes(idea) ||
          r.positive.includes(idea.charAt(0).toUpperCase() + idea.slice(1)),
        r.positive,
      );
      match(r.note!, /cannot translate/);
    }
  }
  equal(
    compose({ idea: "a red fox in the snow", target: target("flux"), presets: NONE }).note,
    null,
  );
});

Deno.test("compose() gives no negative where the target takes none", () => {
  for (const id of ["flux", "flux_schnell", "sdxl_lightning"]) {
    equal(compose({ idea: "a fox", target: target(id), presets: WITCH }).negative, null);
  }
});

Deno.test("compose() with no presets still gives a usable prompt per target", () => {
  equal(
    compose({ idea: "a red fox.", target: target("flux"), presets: NONE }).positive,
    "A red fox.",
  );
  equal(
    compose({ idea: "a red fox", target: target("sdxl"), presets: NONE }).positive,
    "best quality, highly detailed, sharp focus, (red fox:1.2)",
  );
});

Deno.test("compose() is deterministic per seed, and wildcards expand through the same seed", () => {
  const run = (seed: number) =>
    compose({
      idea: "a __animal__ in {rain|snow|fog}",
      target: target("flux"),
      presets: NONE,
      seed,
      wildcards: BUILTIN_WILDCARDS,
    });
  deepEqual(run(3), run(3));
  const outputs = new Set(Array.from({ length: 12 }, (_, i) => run(i).positive));
  ok(outputs.size > 3, "different seeds give different expansions");
  const one = run(3);
  ok(!one.positive.includes("__") && !one.positive.includes("{"));
  ok(BUILTIN_WILDCARDS.animal!.some((a) => one.idea.includes(a)));
  const unseeded = compose({ idea: "a fox", target: target("flux"), presets: NONE });
  equal(unseeded.seed, compose({ idea: "a fox", target: target("flux"), presets: NONE }).seed);
  notEqual(unseeded.seed, compose({ idea: "a wolf", target: target("flux"), presets: NONE }).seed);
});
