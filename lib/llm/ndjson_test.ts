import assert from "node:assert/strict";
import type { ByteSource } from "./line_reader.ts";
import { NdjsonLineError, NdjsonReader, NdjsonTooLongError } from "./ndjson.ts";
import { describeTiming, withinBudget } from "../../tests/support/timing.ts";

const encoder = new TextEncoder();

/** A byte stream (like a fetch body) that hands out the given pieces one read at a time. */
function byteStream(pieces: string[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller: ReadableByteStreamController) {
      if (i >= pieces.length) {
        controller.close();
        controller.byobRequest?.respond(0);
        return;
      }
      const bytes = encoder.encode(pieces[i++]);
      const request = controller.byobRequest;
      if (request?.view) {
        (request.view as Uint8Array).set(bytes);
        request.respond(bytes.length);
      } else controller.enqueue(bytes);
    },
  });
}

/** A plain (non-byte) stream, which cannot be read into our own buffer. */
function plainStream(pieces: string[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(pieces.map((p) => encoder.encode(p)));
}

async function readAll(reader: NdjsonReader): Promise<unknown[][]> {
  const reads: unknown[][] = [];
  for (let batch = await reader.read(); batch !== null; batch = await reader.read()) {
    reads.push(batch);
  }
  return reads;
}

for (const [kind, make] of [["byte", byteStream], ["plain", plainStream]] as const) {
  Deno.test(`ndjson reader joins lines split across reads of a ${kind} stream`, async () => {
    const reads = await readAll(
      new NdjsonReader(make(['{"a":1}\n{"b":', '"x ✓ y"}\n{"c"', ":3}\n\n", '{"d":4}'])),
    );
    assert.deepEqual(reads.flat(), [{ a: 1 }, { b: "x ✓ y" }, { c: 3 }, { d: 4 }]);
    // Every line of one network read comes back from one call.
    assert.deepEqual(reads[0], [{ a: 1 }]);
  });

  Deno.test(`ndjson reader names a malformed line of a ${kind} stream`, async () => {
    const reader = new NdjsonReader(make(['{"a":1}\n{not json\n']));
    await assert.rejects(() => readAll(reader), (err: unknown) => {
      assert.ok(err instanceof NdjsonLineError);
      assert.equal(err.line, "{not json");
      return true;
    });
  });
}

Deno.test("ndjson reader keeps a multi-byte character cut between two reads", async () => {
  const bytes = encoder.encode('{"t":"é€😀"}\n');
  let sent = 0;
  const stream = new ReadableStream({
    type: "bytes",
    pull(controller: ReadableByteStreamController) {
      // One byte per read cuts every multi-byte character apart.
      if (sent >= bytes.length) {
        controller.close();
        controller.byobRequest?.respond(0);
        return;
      }
      const request = controller.byobRequest!;
      (request.view as Uint8Array)[0] = bytes[sent++]!;
      request.respond(1);
    },
  });
  const reads = await readAll(new NdjsonReader(stream));
  assert.deepEqual(reads.flat(), [{ t: "é€😀" }]);
});

Deno.test("ndjson reader hands out the good lines before a bad line of the same read", async () => {
  const reader = new NdjsonReader(byteStream(['{"a":1}\n{"b":2}\n{oops\n{"c":3}\n']));
  assert.deepEqual(await reader.read(), [{ a: 1 }, { b: 2 }]);
  await assert.rejects(() => reader.read(), NdjsonLineError);
  assert.equal(await reader.read(), null);
});

Deno.test("ndjson reader reads a byte stream into one buffer of its own, every time", async () => {
  const sizes: number[] = [];
  let i = 0;
  const pieces = ['{"a":1}\n', '{"b":2}\n', '{"c":3}\n'];
  const stream = new ReadableStream({
    type: "bytes",
    pull(controller: ReadableByteStreamController) {
      const request = controller.byobRequest!;
      if (i >= pieces.length) {
        controller.close();
        request.respond(0);
        return;
      }
      const view = request.view as Uint8Array;
      sizes.push(view.byteLength);
      const bytes = encoder.encode(pieces[i++]);
      view.set(bytes);
      request.respond(bytes.length);
    },
  });
  const reads = await readAll(new NdjsonReader(stream));
  assert.deepEqual(reads.flat(), [{ a: 1 }, { b: 2 }, { c: 3 }]);
  // Our 16 KiB buffer each time (a stream's own buffers would be its 64 KiB default or none).
  assert.deepEqual(sizes, [16384, 16384, 16384]);
});

/** A source that hands out the given pieces, one per read. */
function piecesSource(pieces: Uint8Array[]): ByteSource {
  let i = 0;
  return { read: () => Promise.resolve(i < pieces.length ? [pieces[i++]!] : null), close() {} };
}

function inReads(text: string, size: number): Uint8Array[] {
  const bytes = encoder.encode(text);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

async function drain(pieces: Uint8Array[], maxLine?: number): Promise<unknown[]> {
  return (await readAll(new NdjsonReader(piecesSource(pieces), { maxLine }))).flat();
}

Deno.test("ndjson reader reads a 1 MB line cut into 1 KiB reads in linear time", async () => {
  const line = JSON.stringify({ t: "x".repeat(1_000_000) }) + "\n";
  const reads = inReads(line, 1024);
  const timed = await withinBudget(() => drain(reads, 2_000_000), 50);
  assert.ok(timed.ok, describeTiming(timed.last));
  assert.equal(((await drain(reads, 2_000_000))[0] as { t: string }).t.length, 1_000_000);
});

Deno.test("ndjson reader reads 1 MB of blank lines, and of spaces between lines, in linear time", async () => {
  for (const text of ["\n".repeat(1_000_000), " \t \n".repeat(250_000)]) {
    const reads = inReads(text, 16 * 1024);
    const timed = await withinBudget(() => drain(reads), 50);
    assert.ok(timed.ok, describeTiming(timed.last));
    assert.deepEqual(await drain(reads), []);
  }
});

Deno.test("ndjson reader stops 8 MiB of spaces without a newline at the line limit, quickly", async () => {
  const reads = inReads(" ".repeat(8 * 1024 * 1024), 16 * 1024);
  let consumed = 0;
  const counting: ByteSource = {
    read: () => Promise.resolve(consumed < reads.length ? [reads[consumed++]!] : null),
    close() {},
  };
  await assert.rejects(readAll(new NdjsonReader(counting)), (err: unknown) => {
    assert.ok(err instanceof NdjsonTooLongError);
    assert.match(err.message, /line longer than 1048576 characters/);
    return true;
  });
  // It gave up at the limit instead of buffering the rest.
  assert.ok(consumed <= 65, `read ${consumed} pieces`);
  const timed = await withinBudget(() => drain(reads).catch(() => {}), 50);
  assert.ok(timed.ok, describeTiming(timed.last));
});

Deno.test("ndjson reader refuses a whole line past the limit that came in one read", async () => {
  await assert.rejects(drain([encoder.encode(`"${"a".repeat(100)}"\n`)], 50), NdjsonTooLongError);
  assert.deepEqual(await drain([encoder.encode(`"${"a".repeat(40)}"\n`)], 50), ["a".repeat(40)]);
});

Deno.test("ndjson reader ends lines only at \\n: a \\r is white space inside one", async () => {
  // Unlike an event stream, where a lone \r ends a line, JSON may hold \r between its tokens.
  const reads = await readAll(new NdjsonReader(plainStream(['{"a":\r1}\r\n{"b"', ":\r2}\r\n"])));
  assert.deepEqual(reads.flat(), [{ a: 1 }, { b: 2 }]);
});
