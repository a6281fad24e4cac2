import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { describeTiming, withinBudget } from "./support/timing.ts";
import { withoutLoraTags } from "../lib/prompt/protected_terms.ts";
import { expandWildcards, hasWildcards, UnknownWildcardError } from "../lib/prompt/wildcards.ts";
import { mergeNegatives } from "../lib/prompt/negatives.ts";
import { compose } from "../lib/prompt/composer.ts";
import { loadTargets } from "../lib/prompt/targets.ts";
import { ComfyClient } from "../lib/comfy/client.ts";
import { parseComfyAddress } from "../lib/comfy/address.ts";
import { markedParts, parseSearch, snippet } from "../lib/history/search.ts";
import { joinLines } from "../lib/app/text_scan.ts";
import { MAX_TEXT } from "../routes/http/schemas.ts";

/**
 * Every parser of text we did not write (ideas, negatives, wildcards, addresses, search
 * snippets, exports) fed 1 MB of what makes a backtracking pattern slow: long runs of spaces,
 * dots, brackets, bars and slashes that never end the way the pattern wants. Each must finish
 * within 50 ms; the patterns they used took seconds.
 */
const MB = 1_000_000;

async function fast(what: string, work: () => unknown): Promise<void> {
  const timed = await withinBudget(work, 50);
  ok(timed.ok, `${what}: ${describeTiming(timed.last)}`);
}

const random = () => 0.5;

Deno.test("1 MB of pathological text: LoRA tag removal", async () => {
  await fast("spaces, no comma", () => withoutLoraTags(" ".repeat(MB) + "x"));
  await fast("tabs, no comma", () => withoutLoraTags("a\t".repeat(MB / 2) + "x"));
  equal(withoutLoraTags("a fox <lora:x:1> , at dusk ."), "a fox, at dusk.");
});

Deno.test("1 MB of pathological text: wildcards and {a|b} choices", async () => {
  const bars = "{" + "|".repeat(MB);
  await fast("an unclosed choice of bars", () => expandWildcards(bars, random, {}));
  await fast("an unclosed choice of bars (test)", () => hasWildcards(bars));
  await fast("unclosed choices", () => expandWildcards("{a|".repeat(MB / 3), random, {}));
  await fast("underscores", () => {
    try {
      expandWildcards("_".repeat(MB) + "!", random, {});
    } catch (err) {
      // A run of underscores reads as a wildcard name: unknown, and said so.
      if (!(err instanceof UnknownWildcardError)) throw err;
    }
  });
  equal(expandWildcards("a {red|red} fox", random, {}), "a red fox");
});

Deno.test("a wildcard named like an Object.prototype property is unknown, not a crash", () => {
  for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
    throws(
      () => expandWildcards(`a __${name}__ fox`, random, { animal: ["fox"] }),
      UnknownWildcardError,
    );
  }
});

Deno.test("1 MB of pathological text: negative prompts", async () => {
  await fast("closing brackets, then a letter", () => mergeNegatives(")".repeat(MB) + "x", [], []));
  await fast("opening brackets", () => mergeNegatives("(".repeat(MB), [], []));
  equal(mergeNegatives("((blurry)), blurry:1.2, text", [], []), "((blurry)), text");
});

Deno.test("the longest idea the API takes, pathological, composes within 50 ms", async () => {
  // The composer does far more than clean the idea up, so it gets the longest idea a request may
  // carry (MAX_TEXT) rather than 1 MB; its clean-up alone ran for seconds on such runs before.
  const target = loadTargets().find((t) => t.id === "flux")!;
  const presets = { lines: [], negatives: [], record: {} };
  const dots = ".".repeat(MAX_TEXT - 1) + "x";
  const spaced = "x" + ". ".repeat(MAX_TEXT / 2 - 1);
  await fast("dots, then a letter", () => compose({ idea: dots, target, presets }));
  await fast("dots and spaces", () => compose({ idea: spaced, target, presets }));
});

Deno.test("1 MB of pathological text: the ComfyUI address", async () => {
  await fast("slashes, then a letter", () => new ComfyClient("http://h/" + "/".repeat(MB) + "x"));
  equal(new ComfyClient("http://h:8188///").baseUrl, "http://h:8188");
  // The address typed on the page is checked (and its trailing slashes cut) before the client.
  await fast(
    "slashes typed on the page",
    () => parseComfyAddress("http://h/" + "/".repeat(MB) + "x"),
  );
  equal(parseComfyAddress(" http://h:8188/comfy/// "), "http://h:8188/comfy");
});

Deno.test("1 MB of pathological text: search snippets and their marks", async () => {
  const words = parseSearch("fox")!.words;
  await fast("unclosed marks", () => markedParts("[[".repeat(MB / 2)));
  await fast(
    "a long word",
    () => snippet({ user_input: "[[" + "x".repeat(MB), positive: "" }, words),
  );
  deepEqual(markedParts("a [[fox]] and [[b"), ["a ", { mark: "fox" }, " and [[b"]);
});

Deno.test("1 MB of pathological text: exports put each prompt on one line", async () => {
  await fast("spaces before a line break", () => joinLines(" ".repeat(MB) + "x\n y"));
  equal(joinLines("a \n\n b\n"), "a b ");
});
