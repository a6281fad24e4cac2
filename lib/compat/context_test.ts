import assert from "node:assert/strict";
import { CONTEXT_MESSAGES, decodeContext, encodeContext, trimHistory } from "./context.ts";

Deno.test("a context round-trips the conversation, including text outside the BMP", () => {
  const messages = [
    { role: "user" as const, content: "Idea: a fox 🦊 in “snow”\n\nWrite the prompt now." },
    { role: "assistant" as const, content: "POSITIVE: fox, snow\nNEGATIVE: blurry" },
  ];
  const context = encodeContext(messages);
  assert.ok(context.every((n) => Number.isInteger(n) && n >= 0 && n < 2 ** 31));
  assert.deepEqual(decodeContext(context), messages);
});

Deno.test("a context that is not ours starts a new conversation instead of failing", () => {
  assert.equal(decodeContext([]), null);
  assert.equal(decodeContext([128000, 882, 271, 32, 35954]), null); // a real model's tokens
  const ours = encodeContext([{ role: "user", content: "a cat" }]);
  assert.equal(decodeContext(ours.slice(0, -3)), null); // cut short
  assert.equal(decodeContext([ours[0]!, ...ours.slice(1).map(() => -1)]), null);
  assert.equal(decodeContext([ours[0]!, 0x110000, 1, 2]), null);
  const wrongShape = [
    ours[0]!,
    ...[...'[{"role":"system","content":"x"}]'].map((c) => c.codePointAt(0)!),
  ];
  assert.equal(decodeContext(wrongShape), null);
});

Deno.test("a context keeps the newest messages, starting on a user turn, with long ones cut", () => {
  const many = Array.from({ length: 30 }, (_, i) => ({
    role: i % 2 ? "assistant" as const : "user" as const,
    content: `m${i}`,
  }));
  const kept = trimHistory(many);
  assert.ok(kept.length <= CONTEXT_MESSAGES);
  assert.equal(kept[0]!.role, "user");
  assert.equal(kept.at(-1)!.content, "m29");
  const long = trimHistory([{ role: "user", content: "x".repeat(50_000) }]);
  assert.ok(long[0]!.content.length < 21_000);
  assert.ok(long[0]!.content.endsWith("[…]"));
});
