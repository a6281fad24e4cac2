import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  clipChunks,
  countForEncoders,
  encodersOf,
  estimateClipTokens,
  estimateLlmTokens,
  estimateT5Tokens,
} from "./tokens.ts";

Deno.test("weights, brackets and LoRA tags add no CLIP tokens", () => {
  const plain = "masterpiece, 1girl, blue eyes, cherry blossoms";
  const weighted =
    "((masterpiece)), 1girl, (blue eyes:1.3), [cherry blossoms] <lora:add_detail:0.6>";
  equal(estimateClipTokens(weighted), estimateClipTokens(plain));
});

Deno.test("common English prompts count one token a word and one a comma", () => {
  equal(estimateClipTokens("a photo of a cat"), 5);
  equal(estimateClipTokens("masterpiece, best quality, portrait"), 6);
  equal(estimateClipTokens(""), 0);
});

Deno.test("digits count one each, as CLIP splits numbers", () => {
  equal(estimateClipTokens("1024"), 4);
});

Deno.test("Chinese costs about two and a half tokens a character, English far less", () => {
  const zh = estimateClipTokens("一只可爱的熊猫");
  ok(zh >= 15 && zh <= 21, `${zh}`);
});

Deno.test("a short prompt is one chunk covering the whole text", () => {
  const text = "a red fox in the snow";
  deepEqual(clipChunks(text), [{ start: 0, end: text.length, tokens: 6 }]);
});

Deno.test("chunks tile the original text and none holds more than 75 tokens", () => {
  const text = Array.from({ length: 120 }, (_, i) => `(tag${i % 7}:1.1)`).join(", ");
  const chunks = clipChunks(text);
  ok(chunks.length >= 2);
  equal(chunks[0]!.start, 0);
  equal(chunks.at(-1)!.end, text.length);
  for (let i = 1; i < chunks.length; i++) equal(chunks[i]!.start, chunks[i - 1]!.end);
  for (const c of chunks) ok(c.tokens <= 75, `${c.tokens}`);
  equal(chunks.reduce((s, c) => s + c.tokens, 0), estimateClipTokens(text));
});

Deno.test("the first chunk ends at the 75th token", () => {
  const text = Array.from({ length: 100 }, () => "cat").join(" ");
  const [first, second] = clipChunks(text);
  equal(first!.tokens, 75);
  equal(text.slice(0, first!.end).split(" ").length, 75);
  equal(second!.tokens, 25);
});

Deno.test("A1111's rule moves the words after a recent comma into the next chunk", () => {
  const text = `${Array.from({ length: 70 }, () => "cat").join(" ")}, red fox jumping over a log`;
  const comfy = clipChunks(text, "comfyui")[0]!;
  const a1111 = clipChunks(text, "a1111")[0]!;
  equal(comfy.tokens, 75);
  equal(a1111.tokens, 71, "70 words and the comma");
  equal(text.slice(0, a1111.end).trimEnd().at(-1), ",");
});

Deno.test("BREAK starts a new chunk and the boundaries are offsets in the original", () => {
  const text = "(red dress:1.2) BREAK blue sky";
  const chunks = clipChunks(text);
  equal(chunks.length, 2);
  equal(text.slice(chunks[1]!.start).trim(), "BREAK blue sky");
});

Deno.test("a long run of CJK is split at the chunk boundary", () => {
  const text = "熊猫".repeat(40);
  const chunks = clipChunks(text);
  ok(chunks.length >= 2);
  equal(chunks[0]!.tokens, 75);
  ok(chunks[0]!.end > 0 && chunks[0]!.end < text.length);
});

Deno.test("encoder labels from the targets resolve to ids", () => {
  deepEqual(encodersOf("CLIP-L + CLIP-G + T5-XXL"), ["clip-l", "clip-g", "t5-xxl"]);
  deepEqual(encodersOf("T5-XXL"), ["t5-xxl"]);
  throws(() => encodersOf("CLIP-X"), /Unknown text encoder "CLIP-X"/);
});

Deno.test("countForEncoders gives each encoder its count and limit, chunks for CLIP", () => {
  const text = "A lighthouse on a cliff at dusk, waves crashing below.";
  const counts = countForEncoders(text, ["clip-l", "t5-xxl", "qwen2.5-vl", "llama-3.1", "umt5"]);
  deepEqual(counts.map((c) => [c.encoder, c.limit]), [
    ["clip-l", 75],
    ["t5-xxl", 512],
    ["qwen2.5-vl", 512],
    ["llama-3.1", 128],
    ["umt5-xxl", 512],
  ]);
  equal(counts[0]!.chunks?.length, 1);
  for (const c of counts) ok(c.tokens >= 10 && c.tokens <= 16, `${c.encoder}: ${c.tokens}`);
  equal(counts[0]!.warning, undefined);
  equal(countForEncoders(text, ["t5-xxl"], { limits: { "t5-xxl": 256 } })[0]!.limit, 256);
});

const FILLER = Array.from({ length: 90 }, (_, i) => `detail${i % 9}`).join(", ");

Deno.test("SD 3.5 and Flux warn when weighted words fall past CLIP's 77 tokens", () => {
  const text = `a castle on a hill, ${FILLER}, (a red dragon:1.4)`;
  const [clip, , t5] = countForEncoders(text, encodersOf("CLIP-L + CLIP-G + T5-XXL"));
  ok(clip!.warning?.includes('"a red dragon"'), clip!.warning);
  ok(clip!.warning?.includes("only T5"));
  equal(t5!.warning, undefined);
});

Deno.test("listed important words past CLIP's window are warned about too", () => {
  const text = `a castle on a hill, ${FILLER}, TOK woman`;
  const [clip] = countForEncoders(text, ["clip-l", "t5-xxl"], { important: ["TOK woman"] });
  ok(clip!.warning?.includes('"TOK woman"'), clip!.warning);
});

Deno.test("no warning without T5, or when the key words are in the first chunk", () => {
  const late = `a castle, ${FILLER}, (a red dragon:1.4)`;
  equal(countForEncoders(late, ["clip-l", "clip-g"])[0]!.warning, undefined, "SDXL chunks");
  const early = `(a red dragon:1.4), a castle, ${FILLER}`;
  equal(countForEncoders(early, ["clip-l", "t5-xxl"])[0]!.warning, undefined);
});

Deno.test("T5 and LLM estimates follow the text's length and script", () => {
  const en = "A photograph of a small wooden boat drifting on a glassy mountain lake at dawn.";
  for (const n of [estimateT5Tokens(en), estimateLlmTokens(en, "llama3")]) {
    ok(n >= 15 && n <= 20, `${n}`);
  }
  ok(
    estimateLlmTokens("一只可爱的熊猫在竹林里", "qwen2.5") <
      estimateLlmTokens("一只可爱的熊猫在竹林里", "llama3"),
  );
  ok(
    estimateT5Tokens("ein Fuchs im Herbstwald", "umt5") <
      estimateT5Tokens("ein Fuchs im Herbstwald"),
  );
});

Deno.test("a 2,000-character prompt is estimated in a fraction of a millisecond (loose bound under load)", () => {
  const prompt = ("masterpiece, (best quality:1.2), 1girl, long silver hair, <lora:x:0.5> " +
    "cherry blossoms, 一只熊猫, café au lait, 🌸 ").repeat(25).slice(0, 2000);
  for (let i = 0; i < 50; i++) estimateClipTokens(prompt);
  // The fastest of several batches: the suite runs files in parallel on two shared cores, and
  // the quickest batch is the one that had a core to itself.
  let best = Infinity;
  for (let batch = 0; batch < 15; batch++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) {
      estimateClipTokens(prompt);
      clipChunks(prompt);
    }
    best = Math.min(best, (performance.now() - t0) / 40);
  }
  // Alone it takes about 0.3 ms; the bound is loose because other helpers load the same two cores
  // (load averages past 20 were seen), and still catches anything quadratic.
  ok(best < 10, `${best.toFixed(3)} ms per call`);
});
