import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { type JsonFieldText, JsonReplyStream } from "./json_reply_stream.ts";

/** Feeds the chunks and returns the text of each field, plus the extractor. */
function run(chunks: string[]): { positive: string; negative: string; stream: JsonReplyStream } {
  const stream = new JsonReplyStream();
  const pieces: JsonFieldText[] = [];
  for (const c of chunks) {
    for (const p of stream.push(c)) {
      const last = p.text.charCodeAt(p.text.length - 1);
      // Never half a character on screen.
      ok(last < 0xd800 || last > 0xdbff, "a piece ends with half a surrogate pair");
      pieces.push(p);
    }
  }
  pieces.push(...stream.end());
  const out = { positive: "", negative: "", stream };
  for (const p of pieces) out[p.field] += p.text;
  return out;
}

Deno.test("JsonReplyStream yields decoded field text as it arrives", () => {
  const s = new JsonReplyStream();
  deepEqual(s.push('{"positive": "a red '), [{ field: "positive", text: "a red " }]);
  deepEqual(s.push('fox, \\"snow\\"", "negative": "blu'), [
    { field: "positive", text: 'fox, "snow"' },
    { field: "negative", text: "blu" },
  ]);
  deepEqual(s.push('rry"}'), [{ field: "negative", text: "rry" }]);
  equal(s.state, "done");
});

Deno.test("JsonReplyStream decodes \\u escapes and surrogate pairs cut across chunks", () => {
  const r = run(['{"prompt": "caf\\u00', "e9 \\ud83d", "\\ude00 ", "\ud83e", '\udd8a"}']);
  equal(r.positive, "café 😀 🦊");
  const s = new JsonReplyStream();
  // The high half is held back until its pair arrives, so no broken character is shown.
  deepEqual(s.push('{"positive": "a \\ud83d'), [{ field: "positive", text: "a " }]);
  deepEqual(s.push('\\ude00"}'), [{ field: "positive", text: "😀" }]);
});

Deno.test("JsonReplyStream tolerates chatter and a fence before the object", () => {
  const r = run([
    "Sure! Here is the JSON:\n```json\n",
    '{"positive_prompt": "a fox"}\n```\nEnjoy!',
  ]);
  equal(r.positive, "a fox");
  equal(r.stream.state, "done");
});

Deno.test("JsonReplyStream joins tag arrays and ignores other keys, nested or not", () => {
  const r = run([
    '{"style": {"positive": "no"}, "variations": [{"prompt": "no"}], "seed": -1.5e3,',
    ' "positive": ["a", "b\\nc"], "ok": true, "negative_prompt": "x",}',
  ]);
  equal(r.positive, "a, b\nc");
  equal(r.negative, "x");
});

Deno.test("JsonReplyStream looks one level into a wrapper object", () => {
  equal(run(['{"prompt": {"positive": "a", "negative": "b"}}']).negative, "b");
});

Deno.test("JsonReplyStream reports text that is not a JSON object", () => {
  const labelled = run(["PROMPT: a red fox\nNEGATIVE: blurry"]);
  ok(labelled.stream.notJson);
  ok(labelled.stream.error);
  ok(run(["{red|blue} car"]).stream.notJson);
  ok(run(["x".repeat(600)]).stream.notJson);
  const s = new JsonReplyStream();
  deepEqual(s.push("a ".repeat(300)), []);
  equal(s.state, "not_json");
});

// Linear code takes tens of milliseconds here; a quadratic step would take minutes.
Deno.test("JsonReplyStream works through 1 MB in linear time", () => {
  const big = '{"positive": "' + 'a\\u00e9 \\"'.repeat(100_000) + '"}';
  const t0 = performance.now();
  const s = new JsonReplyStream();
  let length = 0;
  for (let i = 0; i < big.length; i += 1000) {
    for (const p of s.push(big.slice(i, i + 1000))) length += p.text.length;
  }
  const ms = performance.now() - t0;
  equal(length, 400_000);
  ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
});

/** JSON text with each string escaped in one of several legal ways. */
function serialize(value: unknown, escapeAll: boolean, space: string): string {
  if (typeof value === "string") {
    let out = '"';
    for (let i = 0; i < value.length; i++) {
      const c = value[i]!;
      const code = value.charCodeAt(i);
      if (c === '"' || c === "\\") out += "\\" + c;
      else if (c === "\n") out += "\\n";
      else if (c === "/" && escapeAll) out += "\\/";
      else if (code < 0x20 || (escapeAll && code > 0x7e)) {
        out += "\\u" + code.toString(16).padStart(4, "0");
      } else out += c;
    }
    return out + '"';
  }
  if (Array.isArray(value)) {
    return "[" + value.map((v) => serialize(v, escapeAll, space)).join("," + space) + "]";
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) =>
      serialize(k, escapeAll, space) + ":" + space + serialize(v, escapeAll, space)
    );
    return "{" + space + entries.join("," + space) + space + "}";
  }
  return JSON.stringify(value);
}

const text = fc.string({ unit: "binary", maxLength: 24 });
const field = fc.oneof(text, fc.array(text, { maxLength: 4 }));
const reply = fc.record({
  positiveKey: fc.constantFrom("positive", "prompt", "positive_prompt", "Positive Prompt"),
  positive: field,
  negativeKey: fc.constantFrom("negative", "negative_prompt", "negativePrompt"),
  negative: fc.option(field, { nil: undefined }),
  extras: fc.dictionary(
    fc.constantFrom("style", "seed", "mood", "meta", "aspect"),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 3 },
  ),
  wrap: fc.boolean(),
  escapeAll: fc.boolean(),
  space: fc.constantFrom("", " ", "\n  "),
  before: fc.constantFrom("", "```json\n", "Here is the JSON:\n", "Sure!\n```\n"),
  after: fc.constantFrom("", "\n```", "\nHope this helps!"),
  cuts: fc.array(fc.nat(), { maxLength: 8 }),
});

Deno.test("JsonReplyStream gives JSON.parse's field text for every chunking of random replies", () => {
  fc.assert(
    fc.property(reply, (r) => {
      const fields: Record<string, unknown> = { ...r.extras, [r.positiveKey]: r.positive };
      if (r.negative !== undefined) fields[r.negativeKey] = r.negative;
      const object = r.wrap ? { prompt: fields } : fields;
      const json = serialize(object, r.escapeAll, r.space);
      const whole = r.before + json + r.after;

      const parsed = JSON.parse(json) as Record<string, Record<string, unknown>>;
      const inner = (r.wrap ? parsed.prompt : parsed) as Record<string, unknown>;
      // An escaped NUL is dropped, as a raw one is (see DECISIONS: hostile replies).
      const joined = (v: unknown) =>
        (Array.isArray(v) ? v.join(", ") : (v as string | undefined))?.replaceAll("\u0000", "");
      const want = {
        positive: joined(inner[r.positiveKey]) ?? "",
        negative: joined(inner[r.negativeKey]) ?? "",
      };

      const splits: string[][] = [];
      for (let i = 0; i <= whole.length; i++) splits.push([whole.slice(0, i), whole.slice(i)]);
      const points = [...new Set(r.cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
      splits.push(
        [0, ...points, whole.length].slice(1).map((end, k, all) =>
          whole.slice(k === 0 ? 0 : all[k - 1], end)
        ),
      );
      for (const chunks of splits) {
        const got = run(chunks);
        equal(got.stream.state, "done");
        deepEqual({ positive: got.positive, negative: got.negative }, want);
      }
    }),
    { numRuns: 150 },
  );
});
