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
