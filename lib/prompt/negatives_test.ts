import { deepEqual, equal } from "node:assert/strict";
import { mergeNegatives, splitTags } from "./negatives.ts";

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
