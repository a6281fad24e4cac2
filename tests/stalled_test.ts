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

/** Sends `length` as the body's length, then only its first bytes, and reads what comes back. */
async function stallAfterPart(length: number): Promise<void> {
  const t = await startTestApp({ env: { BODY_TIMEOUT: "0.3" } });
  const server = serveOnPort(t.app);
  try {
    const port = Number(new URL(server.url).port);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const t0 = performance.now();
    await conn.write(new TextEncoder().encode(
      "POST /generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
        `Content-Length: ${length}\r\n\r\n{"input":`,
    ));
    const { text } = await readAll(conn, 2000);
    const took = performance.now() - t0;
    try {
      conn.close();
    } catch {
      // Already closed by the server.
    }
    match(text, /^HTTP\/1\.1 408/);
    match(text, /request_timeout/);
    match(text, /connection: close/i, "the client is told the connection ends");
    ok(took < 3000, `${took.toFixed(0)} ms`);
    // The server still answers everyone else.
    equal(await fetch(`${server.url}/api/targets`).then((r) => r.body?.cancel()), undefined);
  } finally {
    await server.close();
    await t.close();
  }
}

Deno.test("a client that sends part of a body and stalls gets a 408 in the error shape", async () => {
  // A small body is read at once; a large one piece by piece. Both end the same way.
  await stallAfterPart(100);
  await stallAfterPart(500_000);
});

Deno.test("a small body that keeps arriving, never pausing for BODY_TIMEOUT, is read whole however long it takes in all", async () => {
  const t = await startTestApp({ env: { BODY_TIMEOUT: "0.3" } }); // a 300 ms pause, 6 s in all
  const server = serveOnPort(t.app);
  try {
    const port = Number(new URL(server.url).port);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const body = new TextEncoder().encode('{"input":"a lighthouse in a storm"}');
    await conn.write(new TextEncoder().encode(
      "POST /generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    ));
    // A byte every 60 ms: never near the 300 ms pause, about 2 s in all.
    for (const byte of body) {
      await new Promise((r) => setTimeout(r, 60));
      await conn.write(new Uint8Array([byte])).catch(() => {});
    }
    const { text } = await readAll(conn, 5000);
    try {
      conn.close();
    } catch {
      // Already closed by the server.
    }
    match(text, /^HTTP\/1\.1 200/);
  } finally {
    await server.close();
    await t.close();
  }
});

Deno.test("a client that closes its side half-way through a body gets a 400 that says the body was cut off, never a 500", async () => {
  const t = await startTestApp();
  const server = serveOnPort(t.app);
  try {
    const port = Number(new URL(server.url).port);
    for (const path of ["/generate", "/ui/generate", "/api/images/read"]) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(new TextEncoder().encode(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          'Content-Length: 100\r\n\r\n{"input":',
      ));
      await conn.closeWrite();
      const { text } = await readAll(conn, 2000);
      try {
        conn.close();
      } catch {
        // Already closed by the server.
      }
      match(text, /^HTTP\/1\.1 400/, `${path}: ${text.slice(0, 300)}`);
      match(text, /cut off|ended before/i, path);
    }
  } finally {
    await server.close();
    await t.close();
  }
});
