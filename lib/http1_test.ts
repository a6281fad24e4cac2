import assert from "node:assert/strict";
import fc from "fast-check";
import { BodyFramer, Http1ProtocolError, http1Request } from "./http1.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Feeds `wire` to a framer in pieces cut at `cuts`; returns the body and whether it ended. */
function unframe(framer: BodyFramer, wire: Uint8Array, cuts: number[]) {
  const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const to of [...points, wire.length]) {
    // Copies, because a real reader reuses its buffer: views must be used before the next read.
    const piece: Uint8Array[] = [];
    framer.push(wire.slice(from, to), piece);
    out.push(...piece.map((p) => p.slice()));
    from = to;
  }
  return { body: concat(out), done: framer.done };
}

Deno.test("chunked bodies decode the same however the bytes are cut", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.boolean(),
      fc.boolean(),
      (chunks, cuts, extensions, trailers) => {
        const wire = concat([
          ...chunks.flatMap((c) => [
            encoder.encode(`${c.length.toString(16)}${extensions ? ";name=value" : ""}\r\n`),
            c,
            encoder.encode("\r\n"),
          ]),
          encoder.encode(`0\r\n${trailers ? "X-Checksum: abc\r\n" : ""}\r\n`),
        ]);
        const { body, done } = unframe(new BodyFramer("chunked"), wire, cuts);
        assert.deepEqual(body, concat(chunks));
        assert.ok(done);
      },
    ),
  );
});

Deno.test("length-framed bodies stop at their length", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 500 }), fc.array(fc.nat()), (bytes, cuts) => {
      const { body, done } = unframe(new BodyFramer("length", bytes.length), bytes, cuts);
      assert.deepEqual(body, bytes);
      assert.ok(done);
    }),
  );
});

Deno.test("a chunked body with a bad size line is a protocol error", () => {
  assert.throws(
    () => new BodyFramer("chunked").push(encoder.encode("zz\r\nhello\r\n"), []),
    Http1ProtocolError,
  );
  assert.throws(
    () => new BodyFramer("chunked").push(encoder.encode("2\r\nhello\r\n"), []),
    Http1ProtocolError,
  );
});

/** A TCP server that answers every connection with `reply` (bytes written in the given pieces). */
function rawServer(reply: (request: string) => (string | number)[]) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: string[] = [];
  const done = (async () => {
    for await (const conn of listener) {
      (async () => {
        const buf = new Uint8Array(65536);
        const n = await conn.read(buf);
        const request = decoder.decode(buf.subarray(0, n ?? 0));
        requests.push(request);
        try {
          for (const piece of reply(request)) {
            if (typeof piece === "number") await new Promise((r) => setTimeout(r, piece));
            else await conn.write(encoder.encode(piece));
          }
        } catch {
          // The client left.
        }
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      })();
    }
  })();
  return {
    url: new URL(`http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/api/chat?x=1`),
    requests,
    async close() {
      listener.close();
      await done.catch(() => {});
    },
  };
}

async function readBody(res: Awaited<ReturnType<typeof http1Request>>): Promise<string[]> {
  const reads: string[] = [];
  for (let pieces = await res.read(); pieces; pieces = await res.read()) {
    const text = pieces.map((p) => decoder.decode(p)).join("");
    if (text) reads.push(text);
  }
  return reads;
}

Deno.test("http1Request streams a chunked reply from a real server a read at a time", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.text();
    return new Response(
      ReadableStream.from(
        (async function* () {
          for (const word of ["one ", "two ", `echo:${body}`]) {
            yield encoder.encode(word);
            await new Promise((r) => setTimeout(r, 5));
          }
        })(),
      ),
      { headers: { "content-type": "application/x-ndjson", "x-test": "yes" } },
    );
  });
  try {
    const res = await http1Request(new URL(`http://127.0.0.1:${server.addr.port}/api/chat`), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"ü":1}',
    });
    assert.equal(res.status, 200);
    assert.ok(res.ok);
    assert.equal(res.headers.get("x-test"), "yes");
    assert.deepEqual(await readBody(res), ["one ", "two ", 'echo:{"ü":1}']);
  } finally {
    await server.shutdown();
  }
});

Deno.test("http1Request sends one well-formed request that asks to close the connection", async () => {
  const server = rawServer(() => ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
  try {
    const res = await http1Request(server.url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"a":"ü"}',
    });
    assert.deepEqual(await readBody(res), ["ok"]);
    const [head, body] = server.requests[0]!.split("\r\n\r\n");
    const lines = head!.split("\r\n");
    assert.equal(lines[0], "POST /api/chat?x=1 HTTP/1.1");
    assert.ok(lines.includes(`Host: ${server.url.host}`));
    assert.ok(lines.includes("Connection: close"));
    assert.ok(lines.includes("Content-Length: 10"));
    assert.equal(body, '{"a":"ü"}');
  } finally {
    await server.close();
  }
});

Deno.test("http1Request skips an interim 100 Continue and reads an error body", async () => {
  const server = rawServer(() => [
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\n",
    5,
    'Content-Type: application/json\r\nContent-Length: 26\r\n\r\n{"error":"model not found"}',
  ]);
  try {
    const res = await http1Request(server.url, { method: "POST", body: "{}" });
    assert.equal(res.status, 404);
    assert.equal(res.ok, false);
    // Content-Length says 26: the 27th byte is not part of the body.
    assert.equal(await res.text(), '{"error":"model not found"');
  } finally {
    await server.close();
  }
});

Deno.test("http1Request reports a body cut short as a protocol error", async () => {
  const server = rawServer(() => [
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
  ]);
  try {
    const res = await http1Request(server.url, { method: "POST", body: "{}" });
    await assert.rejects(() => readBody(res), Http1ProtocolError);
  } finally {
    await server.close();
  }
});

Deno.test("http1Request rejects a reply that is not HTTP", async () => {
  const server = rawServer(() => ["SSH-2.0-OpenSSH_9.6\r\n\r\n"]);
  try {
    await assert.rejects(
      () => http1Request(server.url, { method: "POST", body: "{}" }),
      Http1ProtocolError,
    );
  } finally {
    await server.close();
  }
});

Deno.test("http1Request fails like fetch when nothing listens", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  await assert.rejects(
    () => http1Request(new URL(`http://127.0.0.1:${port}/`), { method: "GET" }),
    TypeError,
  );
});

Deno.test("aborting ends a pending read at once with the signal's reason", async () => {
  const server = rawServer(() => [
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
    5000,
  ]);
  try {
    const controller = new AbortController();
    const res = await http1Request(server.url, {
      method: "POST",
      body: "{}",
      signal: controller.signal,
    });
    assert.deepEqual((await res.read())!.map((p) => decoder.decode(p)), ["abc"]);
    const pending = res.read();
    const started = performance.now();
    setTimeout(() => controller.abort(new Error("client left")), 20);
    await assert.rejects(() => pending, /client left/);
    assert.ok(performance.now() - started < 1000);
  } finally {
    await server.close();
  }
});

Deno.test("http1Request tries each address of a name, as when localhost is ::1 first", async () => {
  const server = rawServer(() => ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]);
  try {
    const port = server.url.port;
    // Nothing listens on 127.0.0.2 (the server is bound to 127.0.0.1 only): refused, then the next.
    const res = await http1Request(new URL(`http://ollama-two-addresses.test:${port}/api/chat`), {
      method: "POST",
      body: "{}",
      lookup: () => Promise.resolve(["127.0.0.2", "127.0.0.1"]),
    });
    assert.equal(await res.text(), "ok");
    assert.ok(server.requests[0]!.includes(`Host: ollama-two-addresses.test:${port}`));
  } finally {
    await server.close();
  }
});

Deno.test("http1Request fails like fetch when a name does not resolve", async () => {
  await assert.rejects(
    () =>
      http1Request(new URL("http://no-such-host.test:11434/api/chat"), {
        method: "POST",
        lookup: () => Promise.reject(new Error("getaddrinfo ENOTFOUND no-such-host.test")),
      }),
    (err: unknown) => err instanceof TypeError && /ENOTFOUND/.test(err.message),
  );
});
