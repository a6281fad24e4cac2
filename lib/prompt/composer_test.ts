import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import { compose } from "./composer.ts";
import { loadTargets } from "./targets.ts";
import { buildCatalog, BUILTIN_PRESETS, readPresetFolder } from "../presets/catalog.ts";
import { resolvePresets } from "./assembly.ts";
import { estimateClipTokens } from "./tokens.ts";
import { BUILTIN_WILDCARDS } from "./wildcards.ts";

const catalog = buildCatalog(readPresetFolder(BUILTIN_PRESETS, "presets/"));
const targets = loadTargets();
const target = (id: string) => targets.find((t) => t.id === id)!;
const WITCH = resolvePresets(catalog, {
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

Deno.test("compose() golden: Flux gets readable sentences and no negative", () => {
  const r = compose({
    idea: "an old witch feeding crows",
    target: target("flux"),
    presets: WITCH,
    seed: 11,
  });
  equal(
    r.positive,
    "An old witch feeding crows, an enchanted cottage with smoke curling. Presented as fairy tale fantasy art, watercolor painting, soft wet-on-wet bleeds, granulating pigment, white paper showing through, in the style of Arthur Rackham, twisting ink trees, muted sepia watercolor. Bathed in golden hour light, low warm sun, long soft shadows, glowing rim. The mood is whimsical, in an earthy palette of ochre, olive and umber.",
  );
  equal(r.negative, null);
});

Deno.test("compose() golden: SDXL gets ordered weighted tags and a merged negative", () => {
  const r = compose({
    idea: "an old witch feeding crows",
    target: target("sdxl"),
    presets: WITCH,
    seed: 11,
  });
  equal(
    r.positive,
    "masterpiece, best quality, highly detailed, sharp focus, (old witch feeding crows:1.2), an enchanted cottage with smoke curling, fairy tale fantasy art, (watercolor painting:1.1), (in the style of Arthur Rackham:1.1), golden hour light, whimsical, earth tones",
  );
  equal(
    r.negative,
    "lowres, blurry, jpeg artifacts, watermark, signature, text, deformed, bad anatomy, extra fingers, poorly drawn hands, hard digital edges, photograph, modern objects",
  );
});

Deno.test("compose() golden: Pony starts with its score tags", () => {
  const r = compose({
    idea: "an old witch feeding crows",
    target: target("pony"),
    presets: WITCH,
    seed: 11,
  });
  ok(r.positive.startsWith("score_9, score_8_up, score_7_up, (old witch feeding crows:1.2)"));
  ok(r.negative!.startsWith("score_4, score_5, score_6"));
});

Deno.test("compose() with no presets still gives a usable prompt per target", () => {
  const none = resolvePresets(catalog, {});
  equal(
    compose({ idea: "a red fox.", target: target("flux"), presets: none }).positive,
    "A red fox.",
  );
  equal(
    compose({ idea: "a red fox", target: target("sdxl"), presets: none }).positive,
    "masterpiece, best quality, highly detailed, sharp focus, (red fox:1.2)",
  );
});

Deno.test("compose() keeps tag targets within the token budget and drops extras first", () => {
  const heavy = resolvePresets(catalog, {
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
  const r = compose({
    idea: "a cyberpunk warrior in a neon city",
    target: target("sdxl"),
    presets: heavy,
  });
  ok(estimateClipTokens(r.positive) <= 75, `${estimateClipTokens(r.positive)} tokens`);
  equal(r.tokens, estimateClipTokens(r.positive));
  for (
    const core of [
      "(cyberpunk warrior in a neon city:1.2)",
      "(cinematic film still:1.1)",
      "(in the style of Syd Mead:1.1)",
      "low-angle shot looking up",
      "neon lighting",
    ]
  ) {
    ok(r.positive.includes(core), core);
  }
  ok(
    !r.positive.includes("subtle film grain"),
    "a style's extra tags go before other slots' main tag",
  );
});

Deno.test("compose() is deterministic per seed, and wildcards expand through the same seed", () => {
  const none = resolvePresets(catalog, {});
  const run = (seed: number) =>
    compose({
      idea: "a __animal__ in {rain|snow|fog}",
      target: target("flux"),
      presets: none,
      seed,
      wildcards: BUILTIN_WILDCARDS,
    });
  deepEqual(run(3), run(3));
  const outputs = new Set(Array.from({ length: 12 }, (_, i) => run(i).positive));
  ok(outputs.size > 3, "different seeds give different expansions");
  const one = run(3);
  ok(!one.positive.includes("__") && !one.positive.includes("{"));
  ok(BUILTIN_WILDCARDS.animal!.some((a) => one.idea.includes(a)));
  const unseeded = compose({ idea: "a fox", target: target("flux"), presets: none });
  equal(unseeded.seed, compose({ idea: "a fox", target: target("flux"), presets: none }).seed);
  notEqual(unseeded.seed, compose({ idea: "a wolf", target: target("flux"), presets: none }).seed);
});
