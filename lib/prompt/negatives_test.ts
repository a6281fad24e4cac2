import { deepEqual, equal } from "node:assert/strict";
import { mergeNegatives, splitTags, withoutContradictions } from "./negatives.ts";

Deno.test("mergeNegatives() appends preset fragments without duplicates", () => {
  equal(
    mergeNegatives("blurry, Text", ["text, cartoon", "(blurry:1.2)"], ["lowres"]),
    "blurry, Text, cartoon",
  );
});

Deno.test("mergeNegatives() falls back to the target defaults when the LLM gave none", () => {
  equal(mergeNegatives(null, ["cartoon"], ["lowres", "watermark"]), "lowres, watermark, cartoon");
});

Deno.test("splitTags() trims and drops empty tags", () => {
  deepEqual(splitTags(" a, ,b ,"), ["a", "b"]);
  deepEqual(splitTags(null), []);
});

Deno.test("mergeNegatives() drops what the positive or a chosen preset asks for, weights ignored", () => {
  equal(
    mergeNegatives(
      "(photorealistic:1.3), blurry, 3d render, text",
      ["cartoon"],
      [],
      [
        "best quality, (photorealistic:1.1), a girl",
        "anime key visual, clean cel shading, cartoon",
      ],
    ),
    "blurry, 3d render, text",
  );
});

Deno.test("withoutContradictions() matches whole phrases, not parts of words", () => {
  deepEqual(
    withoutContradictions(
      ["text", "score_6", "cartoon", "oil painting", "painting"],
      ["textures, score_6_up, western cartoonish look, a painting of"],
    ),
    ["text", "score_6", "cartoon", "oil painting"],
  );
  deepEqual(withoutContradictions(["blurry"], []), ["blurry"]);
});

Deno.test("withoutContradictions() reads hyphens and case as the words they join", () => {
  deepEqual(withoutContradictions(["3D render", "true to life"], ["3d-render, True-to-life"]), []);
});

Deno.test("withoutContradictions() matches a word's plural and -y forms too", () => {
  deepEqual(
    withoutContradictions(["photograph", "flower", "glass"], [
      "portrait photography, flowers, gras",
    ]),
    ["glass"],
  );
});
