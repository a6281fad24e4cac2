import { deepEqual, equal } from "node:assert/strict";
import { findLoraTags, protectedTerms, restoreTerms, withoutLoraTags } from "./protected_terms.ts";

Deno.test("findLoraTags() finds lora and lyco tags once each", () => {
  deepEqual(findLoraTags("a cat <lora:catStyle_v2:0.8>, <LyCO:x:1> and <lora:catStyle_v2:0.8>"), [
    "<lora:catStyle_v2:0.8>",
    "<LyCO:x:1>",
  ]);
});

Deno.test("protectedTerms() merges the user's list with the idea's LoRA tags", () => {
  deepEqual(protectedTerms("ohwx man <lora:me:1>", ["ohwx man", " "]), ["ohwx man", "<lora:me:1>"]);
});

Deno.test("restoreTerms() puts back what the LLM dropped, in the target's form", () => {
  deepEqual(restoreTerms("masterpiece, a man,", ["ohwx", "<lora:me:1>"], "tags"), {
    positive: "masterpiece, a man, ohwx, <lora:me:1>",
    restored: ["ohwx", "<lora:me:1>"],
  });
  deepEqual(restoreTerms("A man in the rain.", ["ohwx"], "prose"), {
    positive: "A man in the rain. ohwx",
    restored: ["ohwx"],
  });
  deepEqual(restoreTerms("ohwx in the rain", ["ohwx"], "prose").restored, []);
});

Deno.test("withoutLoraTags() leaves the words", () => {
  equal(withoutLoraTags("a cat <lora:x:0.5>, sleeping"), "a cat, sleeping");
});
