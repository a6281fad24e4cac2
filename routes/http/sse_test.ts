import assert from "node:assert/strict";
import { sseFrame, sseResponse, sseText } from "./sse.ts";

const decoder = new TextDecoder();

Deno.test("sse frames stay intact while many share one output buffer", () => {
  // Held frames must never be overwritten by later ones (they are slices of a shared buffer).
  const frames = Array.from({ length: 5000 }, (_, i) => sseFrame({ token: `wörd ${i} ✓ ` }));
  frames.forEach((frame, i) => {
    assert.equal(decoder.decode(frame), `data: {"token":"wörd ${i} ✓ "}\n\n`);
  });
});

Deno.test("a large sse frame is encoded whole", () => {
  const text = "ü".repeat(50_000);
  assert.equal(
    decoder.decode(sseFrame({ done: true, result: text })),
    `data: ${JSON.stringify({ done: true, result: text })}\n\n`,
  );
});

Deno.test("sse frames survive a consumer that takes a frame's buffer", () => {
  const first = sseFrame({ token: "a" });
  (first.buffer as ArrayBuffer).transfer();
  assert.equal(decoder.decode(sseFrame({ token: "b" })), 'data: {"token":"b"}\n\n');
});

Deno.test("sse response streams every event as a frame, in order", async () => {
  async function* events() {
    for (let i = 0; i < 300; i++) yield { token: `t${i} ` };
    yield { done: true };
  }
  const res = await sseResponse(events(), new AbortController());
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const text = await res.text();
  const expected = Array.from({ length: 300 }, (_, i) => `data: {"token":"t${i} "}\n\n`).join("") +
    'data: {"done":true}\n\n';
  assert.equal(text, expected);
});

Deno.test("sseText splits data on CR, LF and CRLF, so model text cannot add fields", () => {
  const text = sseText({ id: 3, event: "token", data: "a\revent: close\r\nid: 999\nb" });
  assert.equal(
    text,
    "id: 3\nevent: token\ndata: a\ndata: event: close\ndata: id: 999\ndata: b\n\n",
  );
  // Read back as a browser does: every line is a data line of the one event.
  const lines = text.split(/\r\n|\r|\n/).filter(Boolean);
  assert.deepEqual(lines.map((l) => l.split(":")[0]), [
    "id",
    "event",
    "data",
    "data",
    "data",
    "data",
  ]);
});

Deno.test("sseText refuses an event name with a line break", () => {
  assert.throws(() => sseText({ event: "a\rb", data: "" }), TypeError);
});
