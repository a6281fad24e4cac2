import { deepEqual, equal } from "node:assert/strict";
import { parseReply } from "./reply_parser.ts";

const TAGS = { style: "tags", negative: true } as const;
const PROSE = { style: "prose", negative: false } as const;

Deno.test("parseReply() splits POSITIVE and NEGATIVE lines", () => {
  const r = parseReply("POSITIVE: masterpiece, a cat, (neon:1.2)\nNEGATIVE: blurry, text", TAGS);
  deepEqual(r, {
    positive: "masterpiece, a cat, (neon:1.2)",
    negative: "blurry, text",
    note: null,
    labeled: true,
  });
});

Deno.test("parseReply() accepts PROMPT: and bold markdown labels", () => {
  const r = parseReply("**Prompt:** a cat, neon\n\n**Negative Prompt:** blurry", TAGS);
  deepEqual(r.positive, "a cat, neon");
  deepEqual(r.negative, "blurry");
});

Deno.test("parseReply() drops a chatty preamble and code fences", () => {
  const raw =
    "Sure! Here is your prompt:\n\n```\nA lone samurai in the rain, lanterns glowing.\n```";
  deepEqual(parseReply(raw, PROSE).positive, "A lone samurai in the rain, lanterns glowing.");
});

Deno.test("parseReply() removes think blocks before parsing", () => {
  const raw = "<think>\nthe user wants POSITIVE: nonsense\n</think>\n\nPROMPT: A red fox at dawn.";
  deepEqual(parseReply(raw, PROSE), {
    positive: "A red fox at dawn.",
    negative: null,
    note: null,
    labeled: true,
  });
});

Deno.test("parseReply() ignores a negative for targets without one", () => {
  const r = parseReply("PROMPT: A fox.\nNEGATIVE: blurry", PROSE);
  deepEqual(r.negative, null);
  deepEqual(r.positive, "A fox.");
});

Deno.test("parseReply() joins wrapped tag lines and strips bullets", () => {
  const raw = "Positive prompt:\n- masterpiece\n- a cat\n\nNegative prompt:\n- blurry\n- text\n";
  const r = parseReply(raw, TAGS);
  deepEqual(r.positive, "masterpiece, a cat");
  deepEqual(r.negative, "blurry, text");
});

Deno.test("parseReply() drops token-count trailers and keeps a note", () => {
  const raw = "POSITIVE: a, b\nNEGATIVE: c\n⚠️ Token count: ~80/75\nNote: I added rain for mood.";
  const r = parseReply(raw, TAGS);
  deepEqual(r.positive, "a, b");
  deepEqual(r.negative, "c");
  deepEqual(r.note, "I added rain for mood.");
});

Deno.test("parseReply() keeps an unlabeled paragraph whole", () => {
  const raw = "A quiet harbor at dusk,\nboats rocking under a violet sky.";
  deepEqual(
    parseReply(raw, PROSE).positive,
    "A quiet harbor at dusk, boats rocking under a violet sky.",
  );
});

Deno.test("parseReply() strips wrapping quotes and a final period on tags", () => {
  const r = parseReply('POSITIVE: "a cat, neon."\nNEGATIVE: "blurry"', TAGS);
  deepEqual(r.positive, "a cat, neon");
  deepEqual(r.negative, "blurry");
});

Deno.test("parseReply() gives an empty positive for an empty reply", () => {
  deepEqual(parseReply("  ", TAGS), { positive: "", negative: null, note: null, labeled: false });
});

Deno.test("parseReply() keeps double underscores and LoRA tags intact", () => {
  const r = parseReply(
    "POSITIVE: __style__ portrait, <lora:my_lora__v2:0.8>, **bold**\nNEGATIVE: x",
    TAGS,
  );
  equal(r.positive, "__style__ portrait, <lora:my_lora__v2:0.8>, bold");
});
