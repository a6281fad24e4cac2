import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { OllamaClient } from "./ollama.ts";
import { startFakeOllama } from "../tests/fakes/fake_ollama.ts";
import { AppError } from "./errors.ts";

async function collect(client: OllamaClient, model: string, think?: boolean) {
  let content = "";
  let thinking = "";
  for await (const e of client.chat(model, [{ role: "user", content: "Idea: a cat" }], { think })) {
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

Deno.test("OllamaClient streams the same reply over fetch and over its own connection", async () => {
  const fake = startFakeOllama({
    reply: () => "a lighthouse <in> rain & fog, ünïcode ✓",
    reasoning: "",
  });
  try {
    const viaFetch = new OllamaClient({ baseUrl: fake.url, timeoutMs: 2000, rawHttp: false });
    // The default for an http: URL is our own connection (it asks the server to close it).
    const viaOwn = new OllamaClient({ baseUrl: fake.url, timeoutMs: 2000 });
    const a = await collect(viaFetch, "llama3.2:latest");
    const b = await collect(viaOwn, "llama3.2:latest");
    equal(a.content, "a lighthouse <in> rain & fog, ünïcode ✓");
    deepEqual(b, a);
    const chats = fake.requests.filter((r) => r.path === "/api/chat");
    equal(chats.length, 2);
    equal(chats[0]!.headers["connection"], undefined);
    equal(chats[1]!.headers["connection"], "close");
    // Both paths turn Ollama's error answer into the same error.
    fake.set({ failWhen: () => true });
    const errors: string[] = [];
    for (const client of [viaFetch, viaOwn]) {
      await rejects(collect(client, "llama3.2:latest"), (err: unknown) => {
        ok(err instanceof AppError && err.status === 502);
        errors.push(err.message);
        return true;
      });
    }
    equal(errors[0], errors[1]);
  } finally {
    await fake.close();
  }
});
