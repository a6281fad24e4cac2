import { describeTiming, withinBudget } from "../../tests/support/timing.ts";
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import fc from "fast-check";
import type { ByteSource } from "./line_reader.ts";
import { type SseEvent, SseReader, SseTooLongError } from "./sse_reader.ts";

const encoder = new TextEncoder();

/** A byte source that hands out the given byte pieces one read at a time. */
function pieces(parts: Uint8Array[]): ByteSource {
  let i = 0;
  return {
    read: () => Promise.resolve(i < parts.length ? [parts[i++]!] : null),
    close: () => {},
  };
}

/** The bytes cut at the given offsets. */
function cutAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length];
  const out: Uint8Array[] = [];
  for (let i = 1; i < at.length; i++) out.push(bytes.subarray(at[i - 1]!, at[i]!));
  return out;
}

async function readAll(reader: SseReader): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for (let batch = await reader.read(); batch !== null; batch = await reader.read()) {
    events.push(...batch);
  }
  return events;
}

function eventsOf(text: string | Uint8Array[]): Promise<SseEvent[]> {
  const parts = typeof text === "string" ? [encoder.encode(text)] : text;
  return readAll(new SseReader(pieces(parts)));
}

/** A stream as the servers write it: CRLF, a comment, an event name, reasoning, unicode, usage. */
const FIXTURE = [
  ": ping",
  "",
  "event: message",
  'data: {"choices":[{"delta":{"role":"assistant","content":null}}]}',
  "",
  'data: {"choices":[{"delta":{"reasoning_content":"think about λ"}}]}',
  "",
  'data:{"choices":[{"delta":{"content":"λ_D = √(ε₀kT/ne²) — ✓ 🙂"}}]}',
  "",
  "id: 7",
  "retry: 3000",
  'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}',
  "",
  'error: {"message":"late"}',
  "",
  "data: [DONE]",
  "",
  "",
].join("\r\n");

const FIXTURE_EVENTS: SseEvent[] = [
  {
    event: "message",
    data: '{"choices":[{"delta":{"role":"assistant","content":null}}]}',
  },
  { event: "message", data: '{"choices":[{"delta":{"reasoning_content":"think about λ"}}]}' },
  { event: "message", data: '{"choices":[{"delta":{"content":"λ_D = √(ε₀kT/ne²) — ✓ 🙂"}}]}' },
  { event: "message", data: '{"choices":[{"delta":{},"finish_reason":"stop"}]}' },
  { event: "error", data: '{"message":"late"}' },
  { event: "message", data: "[DONE]" },
];

Deno.test("sse reader reads data, event names and llama.cpp error lines, and drops comments", async () => {
  deepEqual(await eventsOf(FIXTURE), FIXTURE_EVENTS);
});

Deno.test("sse reader ends lines at \\n, \\r\\n and a lone \\r alike", async () => {
  const body = "data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\ndata: e\r\n\n";
  deepEqual((await eventsOf(body)).map((e) => e.data), ["a", "b", "c", "d\ne"]);
});

Deno.test("sse reader counts a \\r\\n cut between two reads as one line end", async () => {
  const events = await eventsOf([
    encoder.encode("data: a\r"),
    encoder.encode("\ndata: b\r"),
    encoder.encode("\n\r"),
    encoder.encode("\n"),
  ]);
  // Were the cut \r\n two line ends, the blank line between them would split "a" from "b".
  deepEqual(events, [{ event: "message", data: "a\nb" }]);
});

Deno.test("sse reader joins multi-line data and strips only one space after the colon", async () => {
  deepEqual(await eventsOf("data:  two\ndata\ndata:x\n\n"), [
    { event: "message", data: " two\n\nx" },
  ]);
});

Deno.test("sse reader delivers a last event that the server closed without a blank line", async () => {
  deepEqual(await eventsOf("data: 1\n\ndata: [DONE]"), [
    { event: "message", data: "1" },
    { event: "message", data: "[DONE]" },
  ]);
});

Deno.test("sse reader returns every event one read completed from one call", async () => {
  const reader = new SseReader(pieces([encoder.encode("data: 1\n\ndata: 2\n\ndata: 3")]));
  deepEqual((await reader.read())?.map((e) => e.data), ["1", "2"]);
  deepEqual((await reader.read())?.map((e) => e.data), ["3"]);
  equal(await reader.read(), null);
});

Deno.test("sse reader fails with a clear error on a line longer than the limit", async () => {
  const reader = new SseReader(pieces([encoder.encode("data: " + "x".repeat(200))]), {
    maxLine: 100,
  });
  await rejects(readAll(reader), (err: unknown) => {
    ok(err instanceof SseTooLongError);
    ok(err.message.includes("line longer than 100 characters"), err.message);
    return true;
  });
});

Deno.test("sse reader fails on an event whose data lines add up past the limit", async () => {
  const body = "data: 0123456789\n".repeat(20) + "\n";
  await rejects(
    readAll(new SseReader(pieces([encoder.encode(body)]), { maxLine: 100 })),
    (err: unknown) => err instanceof SseTooLongError && err.message.includes("event longer"),
  );
});

Deno.test("sse reader hands out the good events of a read before the failure in it", async () => {
  const body = "data: ok\n\ndata: " + "x".repeat(200) + "\n\n";
  const reader = new SseReader(pieces([encoder.encode(body)]), { maxLine: 100 });
  deepEqual(await reader.read(), [{ event: "message", data: "ok" }]);
  await rejects(reader.read(), SseTooLongError);
  equal(await reader.read(), null);
});

Deno.test("sse reader gives the same events wherever the fixture's bytes are cut once", async () => {
  const bytes = encoder.encode(FIXTURE);
  for (let i = 1; i < bytes.length; i++) {
    deepEqual(await eventsOf(cutAt(bytes, [i])), FIXTURE_EVENTS, `cut at ${i}`);
  }
});

const fieldText = fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));

/** An event stream, written with any line ending, and the events it holds. */
const streamArb = fc.record({
  events: fc.array(
    fc.record({
      kind: fc.constantFrom("data", "named", "error", "comment"),
      name: fc.constantFrom("message", "update", "error"),
      lines: fc.array(fieldText, { minLength: 1, maxLength: 3 }),
    }),
    { maxLength: 6 },
  ),
  eol: fc.constantFrom("\n", "\r\n", "\r"),
}).map(({ events, eol }) => {
  let text = "";
  const expected: SseEvent[] = [];
  for (const e of events) {
    if (e.kind === "comment") {
      text += `:${e.lines[0]}${eol}`;
      continue;
    }
    if (e.kind === "named") text += `event: ${e.name}${eol}`;
    const field = e.kind === "error" ? "error" : "data";
    for (const line of e.lines) text += `${field}: ${line}${eol}`;
    text += eol;
    expected.push({
      event: e.kind === "error" ? "error" : e.kind === "named" ? e.name : "message",
      data: e.lines.join("\n"),
    });
  }
  return { bytes: encoder.encode(text), expected };
});

Deno.test("property: any event stream cut at any byte boundaries gives the same events", async () => {
  await fc.assert(
    fc.asyncProperty(
      streamArb,
      fc.array(fc.nat(), { maxLength: 8 }),
      async ({ bytes, expected }, cuts) => {
        const whole = await eventsOf([bytes]);
        deepEqual(whole, expected);
        const cut = await eventsOf(cutAt(bytes, cuts.map((c) => c % (bytes.length + 1))));
        deepEqual(cut, expected);
        // One byte per read cuts every line end and every multi-byte character apart.
        const single = Array.from(bytes, (b) => Uint8Array.of(b));
        deepEqual(await eventsOf(single), expected);
      },
    ),
    { numRuns: 300 },
  );
});

/** The input cut into reads of `size` bytes, as a network delivers it. */
function inReads(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

Deno.test("sse reader reads a 1 MB line without a line end, in 1 KiB reads, in linear time", async () => {
  const bytes = encoder.encode("data: " + "x".repeat(1_000_000));
  const reads = inReads(bytes, 1024);
  const timed = await withinBudget(() => eventsOf(reads), 50);
  ok(timed.ok, describeTiming(timed.last));
  equal((await eventsOf(reads))[0]!.data.length, 1_000_000);
});

Deno.test("sse reader reads 1 MB of lone \\r, and of data lines ended by \\r, in linear time", async () => {
  for (
    const text of ["\r".repeat(1_000_000), "data: x\r".repeat(125_000), "\r\n".repeat(500_000)]
  ) {
    const reads = inReads(encoder.encode(text), 16 * 1024);
    const timed = await withinBudget(() => eventsOf(reads), 50);
    ok(timed.ok, describeTiming(timed.last));
  }
});

Deno.test("sse reader stops a 2 MB line without a line end at the limit, quickly", async () => {
  const reads = inReads(encoder.encode("data: " + "y".repeat(2_000_000)), 16 * 1024);
  await rejects(eventsOf(reads), SseTooLongError);
  const timed = await withinBudget(() => eventsOf(reads).catch(() => {}), 50);
  ok(timed.ok, describeTiming(timed.last));
});

Deno.test("sse reader reads a fetch-like byte stream into its own buffer", async () => {
  const sizes: number[] = [];
  const parts = ["data: 1\n\n", "data: 2\n\n"];
  let i = 0;
  const stream = new ReadableStream({
    type: "bytes",
    pull(controller: ReadableByteStreamController) {
      const request = controller.byobRequest!;
      if (i >= parts.length) {
        controller.close();
        request.respond(0);
        return;
      }
      const view = request.view as Uint8Array;
      sizes.push(view.byteLength);
      const bytes = encoder.encode(parts[i++]);
      view.set(bytes);
      request.respond(bytes.length);
    },
  });
  deepEqual((await readAll(new SseReader(stream))).map((e) => e.data), ["1", "2"]);
  deepEqual(sizes, [16384, 16384]);
});
