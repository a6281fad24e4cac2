import { deepEqual, equal, match, ok } from "node:assert/strict";
import { BackendClient, type BackendClientOptions } from "./backend_client.ts";
import type { ChatMessage } from "./types.ts";
import { startFakeOllama } from "../../tests/fakes/fake_ollama.ts";
import { startFakeOpenAi } from "../../tests/fakes/fake_openai.ts";
import { failsWith, freePort } from "../../tests/fakes/llm_failures.ts";

const MESSAGES: ChatMessage[] = [
  { role: "system", content: "Write one prompt as POSITIVE: … and NEGATIVE: … lines." },
  { role: "user", content: "Idea: a lighthouse in a storm" },
];

function client(baseUrl: string, options: Partial<BackendClientOptions> = {}): BackendClient {
  return new BackendClient({ setting: "auto", baseUrl, timeoutMs: 2000, ...options });
}

async function text(c: BackendClient, model = "llama3.2:latest"): Promise<string> {
  let out = "";
  for await (const e of c.chat(model, MESSAGES, { seed: 3 })) {
    if (e.type === "content") out += e.text;
  }
  return out;
}

Deno.test("backend auto: finds each kind once, however many callers ask at the same time", async () => {
  const ollama = startFakeOllama();
  const openai = startFakeOpenAi();
  try {
    for (const [fake, kind] of [[ollama, "ollama"], [openai, "openai"]] as const) {
      const c = client(fake.url);
      equal(c.kind, null);
      const names = await Promise.all([c.tags(), c.tags(), c.detect(), c.tags()]);
      equal(c.kind, kind);
      ok(names[0] instanceof Array && names[0].some((m) => m.name === "llama3.2:latest"));
      const probes = fake.requests.filter((r) => r.path === "/api/version").length;
      equal(probes, 1, `${kind}: one probe`);
      // The same reply from both fakes for the same messages and seed.
      match(await text(c), /^POSITIVE: masterpiece/);
    }
  } finally {
    await ollama.close();
    await openai.close();
  }
});

Deno.test("backend ollama or openai: no probe is sent, the named protocol is spoken", async () => {
  const ollama = startFakeOllama();
  const openai = startFakeOpenAi();
  try {
    const o = client(ollama.url, { setting: "ollama" });
    equal(o.kind, "ollama");
    match(await text(o), /^POSITIVE:/);
    deepEqual(ollama.requests.map((r) => r.path), ["/api/show", "/api/chat"]);

    const a = client(openai.url, { setting: "openai" });
    equal(a.kind, "openai");
    match(await text(a), /^POSITIVE:/);
    deepEqual(openai.requests.map((r) => r.path), ["/v1/chat/completions"]);

    // Told the wrong kind, it says which address and what to check, not a crash.
    const wrong = await failsWith(text(client(openai.url, { setting: "ollama" })), 502);
    match(wrong.message, /^Ollama reported a problem/);
  } finally {
    await ollama.close();
    await openai.close();
  }
});

Deno.test("backend auto: a failed probe is tried again next time, and a server replaced by another kind is found again", async () => {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const c = client(url);
  const down = await failsWith(c.version(), 503);
  match(down.message, /^Cannot connect to the LLM server at http:\/\/127\.0\.0\.1:\d+: start it/);
  equal(c.kind, null);

  const ollama = startFakeOllama({ port });
  match(await c.version(), /^\d+\.\d+/);
  equal(c.kind, "ollama");
  match(await text(c), /^POSITIVE:/);
  await ollama.close();

  // Ollama gone: the error names Ollama (the kind last seen), and the kind is forgotten.
  const gone = await failsWith(text(c), 503);
  match(gone.message, /^Cannot connect to Ollama at/);
  equal(c.kind, null);

  const openai = startFakeOpenAi({ port });
  try {
    match(await text(c), /^POSITIVE:/);
    equal(c.kind, "openai");
    equal(openai.chatRequests().length, 1);
  } finally {
    await openai.close();
  }
});

Deno.test("backend auto: a caller with a shorter limit gets its 504 while the probe goes on", async () => {
  const held: (() => void)[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) =>
      new Promise<Response>((resolve) => {
        const done = () => resolve(new Response("{}", { status: 404 }));
        held.push(done);
        req.signal.addEventListener("abort", done, { once: true });
      }),
  );
  try {
    const c = client(`http://127.0.0.1:${server.addr.port}`, { timeoutMs: 5000 });
    const started = performance.now();
    const err = await failsWith(c.version(undefined, 200), 504);
    const ms = performance.now() - started;
    ok(ms >= 190 && ms < 1000, `took ${ms} ms`);
    match(err.message, /sent nothing useful for 0\.2 seconds/);
  } finally {
    for (const release of held) release();
    await server.shutdown();
  }
});

Deno.test("backend: the API key goes to either kind as a bearer token and never comes back in an error", async () => {
  const KEY = "sk-team-0123456789";
  // A proxy in front of Ollama that checks the key, and quotes it back on a failure.
  const ollama = startFakeOllama();
  const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const auth = req.headers.get("authorization");
    if (auth !== `Bearer ${KEY}`) return Response.json({ error: "unauthorized" }, { status: 401 });
    const url = new URL(req.url);
    if (url.pathname === "/api/chat") {
      return Response.json({ error: `upstream refused token ${KEY}` }, { status: 500 });
    }
    return await fetch(ollama.url + url.pathname, {
      method: req.method,
      body: req.method === "POST" ? await req.text() : undefined,
    });
  });
  const openai = startFakeOpenAi({ apiKey: KEY });
  try {
    const viaProxy = client(`http://127.0.0.1:${proxy.addr.port}`, { apiKey: KEY });
    equal(await viaProxy.detect(), "ollama");
    const failed = await failsWith(text(viaProxy), 502);
    ok(!failed.message.includes(KEY), failed.message);
    match(failed.message, /upstream refused token \[API key\]/);

    const keyed = client(openai.url, { apiKey: KEY });
    match(await text(keyed), /^POSITIVE:/);
    ok(openai.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`));

    const wrong = client(openai.url, { apiKey: "sk-wrong-key-98765" });
    const refused = await failsWith(text(wrong), 502);
    ok(!refused.message.includes("sk-wrong-key-98765"), refused.message);
    match(refused.message, /refused the API key/);
  } finally {
    await proxy.shutdown();
    await ollama.close();
    await openai.close();
  }
});

Deno.test("backend: stopping a stream closes the upstream request, whichever kind answers", async () => {
  const ollama = startFakeOllama({ tokenDelayMs: 20 });
  const openai = startFakeOpenAi({ tokenDelayMs: 20 });
  try {
    for (const fake of [ollama, openai]) {
      const c = client(fake.url);
      let seen = 0;
      for await (const e of c.chat("llama3.2:latest", MESSAGES)) {
        if (e.type === "content" && ++seen === 2) break;
      }
      const until = Date.now() + 2000;
      while (fake.cancelledStreams === 0 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 5));
      }
      equal(fake.cancelledStreams, 1, fake.url);
      equal(fake.openStreams, 0);
    }
  } finally {
    await ollama.close();
    await openai.close();
  }
});
