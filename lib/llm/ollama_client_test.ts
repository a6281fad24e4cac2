import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { OllamaClient } from "./ollama_client.ts";
import { startFakeOllama } from "../../tests/fakes/fake_ollama.ts";
import { AppError } from "../app/errors.ts";

async function collect(
  client: OllamaClient,
  model: string,
  signalOrThink?: AbortSignal | boolean,
) {
  let content = "";
  let thinking = "";
  const think = typeof signalOrThink === "boolean" ? signalOrThink : undefined;
  const signal = signalOrThink instanceof AbortSignal ? signalOrThink : undefined;
  const messages = [{ role: "user" as const, content: "Idea: a cat" }];
  for await (const e of client.chat(model, messages, { think }, signal)) {
    if (e.type === "content") content += e.text;
    if (e.type === "thinking") thinking += e.text;
  }
  return { content, thinking };
}

Deno.test("OllamaClient caches /api/show capabilities per model", async () => {
  const fake = startFakeOllama();
  try {
    const client = new OllamaClient({ baseUrl: fake.url, timeoutMs: 2000 });
    await collect(client, "qwen3:latest");
    await collect(client, "qwen3:latest");
    equal(fake.requests.filter((r) => r.path === "/api/show").length, 1);
  } finally {
    await fake.close();
  }
});

Deno.test("OllamaClient decodes Go-escaped <, > and & in the stream", async () => {
  const fake = startFakeOllama({ reply: () => "a <b> & c" });
  try {
    const client = new OllamaClient({ baseUrl: fake.url, timeoutMs: 2000 });
    equal((await collect(client, "llama3.2:latest")).content, "a <b> & c");
  } finally {
    await fake.close();
  }
});

Deno.test("OllamaClient.tags() and version() read the fake's listings", async () => {
  const fake = startFakeOllama();
  try {
    const client = new OllamaClient({ baseUrl: fake.url, timeoutMs: 2000 });
    equal(await client.version(), "0.12.6");
    deepEqual((await client.tags()).map((m) => m.name), [
      "qwen3:latest",
      "llama3.2:latest",
      "deepseek-r1:legacy",
      "gemma3:4b",
    ]);
  } finally {
    await fake.close();
  }
});

Deno.test("OllamaClient reports a 503 busy server as api_error with Ollama's words", async () => {
  const fake = startFakeOllama({ fault: "busy" });
  try {
    const client = new OllamaClient({ baseUrl: fake.url, timeoutMs: 2000 });
    await rejects(
      collect(client, "llama3.2:latest"),
      (err: unknown) =>
        err instanceof AppError && err.status === 502 && /server busy/.test(err.message),
    );
  } finally {
    await fake.close();
  }
});

Deno.test("OllamaClient says when OLLAMA_URL points at something that is not Ollama", async () => {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response("nope", { status: 404 }),
  );
  try {
    const client = new OllamaClient({
      baseUrl: `http://127.0.0.1:${server.addr.port}`,
      timeoutMs: 2000,
    });
    await rejects(
      client.tags(),
      (err: unknown) =>
        err instanceof AppError && err.status === 502 &&
        /is OLLAMA_URL pointing at Ollama/.test(err.message),
    );
  } finally {
    await server.shutdown();
  }
});

/** A loopback port whose accept queue is full, so a new connection hangs in the handshake. */
async function unansweredPort(): Promise<{ port: number; close(): void }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const fillers: Deno.Conn[] = [];
  // Nothing is ever accepted: once the kernel's queue is full, connects are left waiting.
  while (true) {
    const conn = await Promise.race([
      Deno.connect({ hostname: "127.0.0.1", port }),
      new Promise<null>((r) => setTimeout(() => r(null), 200)),
    ]);
    if (!conn) break;
    fillers.push(conn);
  }
  return {
    port,
    close() {
      for (const c of fillers) c.close();
      listener.close();
    },
  };
}

Deno.test("OllamaClient times out and aborts while still connecting to a host that never answers", async () => {
  const hung = await unansweredPort();
  try {
    const client = new OllamaClient({ baseUrl: `http://127.0.0.1:${hung.port}`, timeoutMs: 300 });
    let started = performance.now();
    await rejects(collect(client, "llama3.2:latest"), (err: unknown) => {
      ok(err instanceof AppError && err.status === 504, String(err));
      return true;
    });
    const timedOutAfter = performance.now() - started;
    ok(timedOutAfter < 1500, `timed out after ${timedOutAfter} ms`);
    const caller = new AbortController();
    started = performance.now();
    setTimeout(() => caller.abort(), 100);
    const slow = new OllamaClient({ baseUrl: `http://127.0.0.1:${hung.port}`, timeoutMs: 60_000 });
    await rejects(collect(slow, "llama3.2:latest", caller.signal));
    const abortedAfter = performance.now() - started;
    ok(abortedAfter < 1000, `aborted after ${abortedAfter} ms`);
  } finally {
    hung.close();
  }
});

/**
 * An Ollama that misbehaves on `/api/chat`: `write` gets a function that sends raw text and
 * runs until the client hangs up (or returns). `/api/show` says the model can do nothing special.
 */
function misbehavingOllama(
  write: (send: (text: string) => boolean, closed: AbortSignal) => Promise<void>,
): { url: string; closed: Promise<void>; close(): Promise<void> } {
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => markClosed = resolve);
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/api/show") return Response.json({ capabilities: ["completion"] });
    const gone = new AbortController();
    const encoder = new TextEncoder();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      cancel() {
        gone.abort();
        markClosed();
      },
    });
    const send = (text: string) => {
      if (gone.signal.aborted) return false;
      try {
        controller.enqueue(encoder.encode(text));
        return true;
      } catch {
        return false;
      }
    };
    write(send, gone.signal).then(() => {
      try {
        controller.close();
      } catch {
        // Already cancelled.
      }
    }, () => {});
    return new Response(body, { headers: { "content-type": "application/x-ndjson" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    closed,
    close: () => server.shutdown(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function token(content: string): string {
  return JSON.stringify({ model: "m", message: { role: "assistant", content }, done: false }) +
    "\n";
}

/** Sends `piece` every `everyMs` until the client hangs up or `forMs` pass. */
async function trickle(
  send: (text: string) => boolean,
  closed: AbortSignal,
  piece: () => string,
  everyMs: number,
  forMs = 5000,
): Promise<void> {
  const until = performance.now() + forMs;
  while (!closed.aborted && performance.now() < until) {
    if (!send(piece())) return;
    await sleep(everyMs);
  }
}

for (
  const [what, piece] of [
    ["blank lines", () => "\n"],
    ["spaces and tabs between lines", () => "  \t\n"],
    ["whitespace-only tokens", () => token(" \n ")],
    ["empty tokens", () => token("")],
  ] as const
) {
  Deno.test(`OllamaClient times out a stream that sends only ${what}`, async () => {
    const fake = misbehavingOllama(async (send, closed) => {
      send(token("a fox"));
      await trickle(send, closed, piece, 50);
    });
    try {
      const client = new OllamaClient({ baseUrl: fake.url, timeoutMs: 400 });
      const started = performance.now();
      await rejects(collect(client, "m"), (err: unknown) => {
        ok(err instanceof AppError && err.status === 504, String(err));
        return true;
      });
      const ms = performance.now() - started;
      ok(ms < 1500, `timed out after ${ms} ms`);
      await fake.closed;
    } finally {
      await fake.close();
    }
  });
}

Deno.test("OllamaClient lets a slow, steady stream of words run past the timeout", async () => {
  const fake = misbehavingOllama(async (send) => {
    for (const word of "a b c d e f g h i j".split(" ")) {
      send(token(word + " "));
      await sleep(60);
    }
    send(JSON.stringify({ model: "m", message: { content: "" }, done: true }) + "\n");
  });
  try {
    const client = new OllamaClient({ baseUrl: fake.url, timeoutMs: 250 });
    equal((await collect(client, "m")).content, "a b c d e f g h i j ");
  } finally {
    await fake.close();
  }
});

Deno.test("OllamaClient stops a generation that runs past the total time limit, however busy", async () => {
  const fake = misbehavingOllama((send, closed) => trickle(send, closed, () => token("word "), 20));
  try {
    const client = new OllamaClient({ baseUrl: fake.url, timeoutMs: 300, totalTimeoutMs: 600 });
    const started = performance.now();
    await rejects(collect(client, "m"), (err: unknown) => {
      ok(err instanceof AppError && err.status === 504, String(err));
      ok(/LLM_TOTAL_TIMEOUT/.test(err.message), err.message);
      return true;
    });
    const ms = performance.now() - started;
    ok(ms >= 550 && ms < 2000, `stopped after ${ms} ms`);
    await fake.closed;
  } finally {
    await fake.close();
  }
});

Deno.test("OllamaClient ends a stream whose line has no end with a 502, linearly and bounded", async () => {
  // 8 MiB of spaces without a newline, in 64 KiB writes.
  const chunk = " ".repeat(64 * 1024);
  const fake = misbehavingOllama(async (send, closed) => {
    send(token("a fox"));
    for (let i = 0; i < 128 && !closed.aborted; i++) {
      if (!send(chunk)) return;
      await sleep(0);
    }
    await sleep(5000);
  });
  try {
    const client = new OllamaClient({ baseUrl: fake.url, timeoutMs: 5000 });
    const started = performance.now();
    await rejects(collect(client, "m"), (err: unknown) => {
      ok(err instanceof AppError && err.status === 502, String(err));
      ok(/line longer than/.test(err.message), err.message);
      return true;
    });
    const ms = performance.now() - started;
    ok(ms < 1500, `took ${ms} ms`);
    await fake.closed;
  } finally {
    await fake.close();
  }
});

Deno.test("OllamaClient ends a reply longer than the reply limit with a 502", async () => {
  const fake = misbehavingOllama((send, closed) =>
    trickle(send, closed, () => token("x".repeat(60_000)), 0, 10_000)
  );
  try {
    const client = new OllamaClient({
      baseUrl: fake.url,
      timeoutMs: 5000,
      maxReplyChars: 1_000_000,
    });
    await rejects(collect(client, "m"), (err: unknown) => {
      ok(err instanceof AppError && err.status === 502, String(err));
      ok(/reply longer than 1000000 characters/.test(err.message), err.message);
      return true;
    });
    await fake.closed;
  } finally {
    await fake.close();
  }
});

Deno.test("OllamaClient reports a malformed line as a 502 whatever words it holds", async () => {
  // A line that is not JSON is the server's fault, even when it says "network" or "connect".
  const fake = misbehavingOllama(async (send) => {
    send(token("a fox"));
    send("network connect failed, see {\n");
    await sleep(0);
  });
  try {
    const client = new OllamaClient({ baseUrl: fake.url, timeoutMs: 5000 });
    await rejects(collect(client, "m"), (err: unknown) => {
      ok(err instanceof AppError && err.status === 502, String(err));
      ok(/Malformed line from Ollama: network connect failed/.test(err.message), err.message);
      return true;
    });
  } finally {
    await fake.close();
  }
});

Deno.test("OllamaClient drops NUL characters from the model's text and reasoning", async () => {
  const fake = startFakeOllama({ reply: () => "a\0 fox\0 at dawn", reasoning: "hm\0m" });
  try {
    const client = new OllamaClient({ baseUrl: fake.url, timeoutMs: 2000 });
    deepEqual(await collect(client, "qwen3:latest", true), {
      content: "a fox at dawn",
      thinking: "hmm",
    });
  } finally {
    await fake.close();
  }
});

Deno.test("OllamaClient reports a connection that breaks after Ollama answered as a 502, not as Ollama unreachable", async () => {
  // Raw HTTP, so the socket can close in the middle of a chunked body.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const encoder = new TextEncoder();
  const serving = (async () => {
    for await (const conn of listener) {
      const head = new Uint8Array(65536);
      const n = await conn.read(head) ?? 0;
      if (new TextDecoder().decode(head.subarray(0, n)).includes("/api/show")) {
        const caps = '{"capabilities":["completion"]}';
        await conn.write(encoder.encode(
          "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n" +
            `content-length: ${caps.length}\r\n\r\n${caps}`,
        ));
        conn.close();
        continue;
      }
      const line = '{"message":{"content":"a fox"},"done":false}\n';
      await conn.write(encoder.encode(
        "HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\n" +
          `transfer-encoding: chunked\r\n\r\n${line.length.toString(16)}\r\n${line}\r\n`,
      ));
      await sleep(20);
      conn.close();
    }
  })();
  try {
    const client = new OllamaClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5000 });
    await rejects(collect(client, "m"), (err: unknown) => {
      ok(err instanceof AppError, String(err));
      equal(err.status, 502, err.message);
      ok(!/start it/.test(err.message), err.message);
      ok(/connection broke/.test(err.message), err.message);
      return true;
    });
  } finally {
    listener.close();
    await serving.catch(() => {});
  }
});

Deno.test("OllamaClient gives a finished reply's connection back for the next request, and cuts off a body held open after done", async () => {
  const ports: number[] = [];
  let holdOpen = false;
  let aborted = 0;
  const encoder = new TextEncoder();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req, info) => {
    if (new URL(req.url).pathname === "/api/show") {
      return Response.json({ capabilities: ["completion"] });
    }
    ports.push(info.remoteAddr.port);
    req.signal.addEventListener("abort", () => aborted++);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(encoder.encode(token("hi")));
        c.enqueue(encoder.encode(JSON.stringify({ message: { content: "" }, done: true }) + "\n"));
        // The body ends a moment after `done`, as Ollama's does; the same tick would hide a
        // client that stops reading at `done`.
        if (!holdOpen) setTimeout(() => c.close(), 10);
      },
    });
    return new Response(body, { headers: { "content-type": "application/x-ndjson" } });
  });
  try {
    const client = new OllamaClient({
      baseUrl: `http://127.0.0.1:${server.addr.port}`,
      timeoutMs: 2000,
    });
    await collect(client, "m");
    await collect(client, "m");
    equal(ports[0], ports[1], "the second request reused the connection");
    holdOpen = true;
    const t0 = performance.now();
    await collect(client, "m");
    ok(performance.now() - t0 < 1000, "a body held open after done does not hold the reply");
    await sleep(100);
    ok(aborted >= 1, "the held-open body was cut off");
  } finally {
    await server.shutdown();
  }
});

Deno.test("OllamaClient refuses a model listing larger than it will hold, with a 502", async () => {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => new Response(`{"models":[${'"x",'.repeat(3_000_000)}"x"]}`),
  );
  try {
    const client = new OllamaClient({
      baseUrl: `http://127.0.0.1:${server.addr.port}`,
      timeoutMs: 5000,
    });
    await rejects(client.tags(), (err: unknown) => {
      ok(err instanceof AppError && err.status === 502, String(err));
      ok(/longer than/.test(err.message), err.message);
      return true;
    });
  } finally {
    await server.shutdown();
  }
});
