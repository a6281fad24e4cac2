import { equal, match, ok } from "node:assert/strict";
import { serveOnPort, startTestApp } from "./helpers.ts";

/** What the server sends within `ms` (Deno keeps the socket open after it; see DECISIONS.md). */
async function readAll(conn: Deno.Conn, ms: number): Promise<{ text: string; closed: boolean }> {
  const buf = new Uint8Array(4096);
  let text = "";
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const timer = new Promise<"wait">((r) => setTimeout(() => r("wait"), until - Date.now()));
    const n = await Promise.race([conn.read(buf).catch(() => null), timer]);
    if (n === "wait") return { text, closed: false };
    if (n === null) return { text, closed: true };
    text += new TextDecoder().decode(buf.subarray(0, n));
    if (text.includes("request_timeout")) return { text, closed: false };
  }
  return { text, closed: false };
}

/** An app served on a real port (bodies must arrive over a real socket), stopped afterwards. */
async function withServer(
  env: Record<string, string>,
  run: (port: number, url: string) => Promise<void>,
): Promise<void> {
  const t = await startTestApp({ env });
  const server = serveOnPort(t.app);
  try {
    await run(Number(new URL(server.url).port), server.url);
  } finally {
    await server.close();
    await t.close();
  }
}

/** Connects, lets `send` write, and returns what the server sends within `ms`. */
async function exchange(
  port: number,
  send: (conn: Deno.TcpConn) => Promise<void>,
  ms: number,
): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await send(conn);
    return (await readAll(conn, ms)).text;
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed by the server.
    }
  }
}

/** The head of a JSON POST declaring `length` bytes of body. */
function jsonPost(path: string, length: number, extra = ""): Uint8Array {
  return new TextEncoder().encode(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${length}\r\n${extra}\r\n`,
  );
}

const PART = new TextEncoder().encode('{"input":');

/** Sends `length` as the body's length, then only its first bytes, and reads what comes back. */
async function stallAfterPart(length: number): Promise<void> {
  await withServer({ BODY_TIMEOUT: "0.3" }, async (port, url) => {
    const t0 = performance.now();
    const text = await exchange(port, async (conn) => {
      await conn.write(jsonPost("/generate", length));
      await conn.write(PART);
    }, 2000);
    const took = performance.now() - t0;
    match(text, /^HTTP\/1\.1 408/);
    match(text, /request_timeout/);
    match(text, /connection: close/i, "the client is told the connection ends");
    ok(took < 3000, `${took.toFixed(0)} ms`);
    // The server still answers everyone else.
    equal(await fetch(`${url}/api/targets`).then((r) => r.body?.cancel()), undefined);
  });
}

Deno.test("a client that sends part of a body and stalls gets a 408 in the error shape", async () => {
  // Whatever length it declared (within the 1 MB limit), only the pause counts.
  await stallAfterPart(100);
  await stallAfterPart(500_000);
});

Deno.test("a small body that keeps arriving, never pausing for BODY_TIMEOUT, is read whole however long it takes in all", async () => {
  // A 300 ms pause, 6 s in all.
  await withServer({ BODY_TIMEOUT: "0.3" }, async (port) => {
    const body = new TextEncoder().encode('{"input":"a lighthouse in a storm"}');
    const text = await exchange(port, async (conn) => {
      await conn.write(jsonPost("/generate", body.length, "Connection: close\r\n"));
      // A byte every 60 ms: never near the 300 ms pause, about 2 s in all.
      for (const byte of body) {
        await new Promise((r) => setTimeout(r, 60));
        await conn.write(new Uint8Array([byte])).catch(() => {});
      }
    }, 5000);
    match(text, /^HTTP\/1\.1 200/);
  });
});

Deno.test("a client that closes its side half-way through a body gets a 400 that says the body was cut off, never a 500", async () => {
  await withServer({}, async (port) => {
    for (const path of ["/generate", "/ui/generate", "/api/images/read"]) {
      const text = await exchange(port, async (conn) => {
        await conn.write(jsonPost(path, 100));
        await conn.write(PART);
        await conn.closeWrite();
      }, 2000);
      match(text, /^HTTP\/1\.1 400/, `${path}: ${text.slice(0, 300)}`);
      match(text, /cut off|ended before/i, path);
    }
  });
});
