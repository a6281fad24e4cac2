/**
 * The Ollama-compatible endpoint driven by the official `ollama` npm client, used the way a
 * ComfyUI node's code uses its client, against the app on a loopback port with the fake Ollama
 * behind it; then comfyui-ollama's own request bodies replayed byte for byte.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { Ollama } from "ollama";
import { systemPrompt } from "../lib/prompt/targets.ts";
import {
  serveOnPort,
  startTestApp,
  type TestApp,
  type TestAppOptions,
  waitFor,
} from "./helpers.ts";

interface Served {
  t: TestApp;
  url: string;
  client: Ollama;
  close(): Promise<void>;
}

async function served(options: TestAppOptions = {}, headers?: Record<string, string>) {
  const t = await startTestApp(options);
  const server = serveOnPort(t.app);
  const url = `${server.url}/ollama`;
  return {
    t,
    url,
    client: new Ollama({ host: url, headers }),
    async close() {
      await server.close();
      await t.close();
    },
  } satisfies Served;
}

function historyRows(t: TestApp) {
  return t.services.history.use().list({ limit: 50 }).history;
}

function lastChat(t: TestApp) {
  return t.fake.chatRequests().at(-1) as {
    model: string;
    messages: { role: string; content: string }[];
    options?: Record<string, unknown>;
    keep_alive?: unknown;
  };
}

Deno.test("the client lists our targets and packs as models, with the fields a node reads", async () => {
  const s = await served();
  try {
    const { models } = await s.client.list();
    const names = models.map((m) => m.model);
    for (const name of ["promptsmith/flux:latest", "promptsmith/sdxl:latest"]) {
      ok(names.includes(name), name);
    }
    const pack = s.t.services.presets.get(false).packs[0]!.id;
    ok(names.includes(`promptsmith/sdxl:${pack}`));
    ok(names.includes(`promptsmith/sdxl-negative:${pack}`));
    ok(!names.some((n) => n.startsWith("promptsmith/flux-negative")), "flux takes no negative");
    for (const m of models) {
      equal(m.name, m.model);
      ok(!Number.isNaN(new Date(m.modified_at as unknown as string).getTime()));
      match(String(m.modified_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      ok(m.size > 0);
      match(m.digest, /^[0-9a-f]{64}$/);
      equal(m.details.parent_model, "qwen3:latest");
      ok(m.details.family);
    }
    equal((await s.client.version()).version, "0.12.6");
    const shown = await s.client.show({ model: `promptsmith/sdxl:${pack}` });
    equal(shown.model_info["promptsmith.pack" as never], pack);
    equal(shown.model_info["promptsmith.target" as never], "sdxl");
    deepEqual(shown.capabilities, ["completion"]);
    match(shown.modelfile, /^# Promptsmith/);
    match(shown.modelfile, /FROM qwen3:latest/);
    equal((await s.client.show({ model: "Promptsmith/Flux" })).details.family, "flux");
    await rejects(
      s.client.show({ model: "promptsmith/sdxl:nope" }),
      (e: { status_code: number; error: string }) =>
        e.status_code === 404 &&
        e.error.startsWith("model 'promptsmith/sdxl:nope' not found; Promptsmith serves") &&
        e.error.includes("promptsmith/sdxl-negative"),
    );
    await rejects(
      s.client.show({ model: "llama3.2" }),
      (e: { status_code: number; error: string }) =>
        e.status_code === 404 && e.error.startsWith("model 'llama3.2:latest' not found;"),
    );
    deepEqual(await s.client.ps(), { models: [] });
  } finally {
    await s.close();
  }
});

Deno.test("generate (stream: false) answers the clean positive prompt, and its context continues the conversation", async () => {
  const s = await served();
  try {
    const first = await s.client.generate({
      model: "promptsmith/sdxl",
      prompt: "a fox in snow",
      system: "You are an AI artist.",
      format: "",
      keep_alive: "5m",
      options: { seed: 42, temperature: 0.5 },
      stream: false,
    });
    equal(first.model, "promptsmith/sdxl");
    equal(first.done, true);
    equal(first.done_reason, "stop");
    ok(!/POSITIVE|NEGATIVE/.test(String(first.response)), first.response);
    match(String(first.response), /a fox in snow/);
    ok(first.context.length > 10 && first.context.every(Number.isInteger));
    ok(first.total_duration > 0 && first.eval_count > 0);
    const [row] = historyRows(s.t);
    equal(row!.mode, "api");
    equal(row!.model, "sdxl");
    equal(row!.positive, first.response);
    equal(row!.seed, 42);

    // What reached the LLM: our system prompt with the node's added, the seed and keep_alive.
    const sent = lastChat(s.t);
    equal(sent.model, "qwen3:latest");
    const sdxl = s.t.services.targets.find((x) => x.id === "sdxl")!;
    ok(sent.messages[0]!.content.startsWith(systemPrompt(sdxl, "oneshot")));
    ok(sent.messages[0]!.content.endsWith("You are an AI artist."));
    match(sent.messages[1]!.content, /^Idea: a fox in snow/);
    equal(sent.options?.seed, 42);
    equal(sent.options?.temperature, 0.5);
    equal(sent.keep_alive, "5m");

    const second = await s.client.generate({
      model: "promptsmith/sdxl",
      prompt: "make it night",
      context: first.context,
      stream: false,
    });
    const turn = lastChat(s.t).messages;
    equal(turn.length, 4, "system, the first turn's two messages, the new one");
    match(turn[1]!.content, /^Idea: a fox in snow/);
    match(turn[2]!.content, /^POSITIVE: /);
    match(turn[3]!.content, /^make it night/);
    match(String(second.response), /refined 2/);
    ok(second.context.length > first.context.length);
    equal(historyRows(s.t).length, 2);
  } finally {
    await s.close();
  }
});

Deno.test("chat takes the last user message as the idea, a system message as extra guidance and earlier turns as history", async () => {
  const s = await served();
  try {
    const messages = [
      { role: "system", content: "Keep it cheerful." },
      { role: "user", content: "a lighthouse" },
    ];
    const first = await s.client.chat({ model: "promptsmith/flux", messages, stream: false });
    equal(first.message.role, "assistant");
    match(first.message.content, /^A lighthouse, rendered/);
    equal((first as unknown as Record<string, unknown>).context, undefined);
    let sent = lastChat(s.t).messages;
    equal(sent.length, 2);
    ok(sent[0]!.content.endsWith("Keep it cheerful."));
    match(sent[1]!.content, /^Idea: a lighthouse/);

    messages.push(first.message, { role: "user", content: "in a storm" });
    const second = await s.client.chat({ model: "promptsmith/flux", messages, stream: false });
    sent = lastChat(s.t).messages;
    deepEqual(sent.slice(1).map((m) => m.role), ["user", "assistant", "user"]);
    equal(sent[2]!.content, first.message.content);
    match(sent[3]!.content, /^in a storm/);
    match(second.message.content, /refined in turn 2/);
    deepEqual(historyRows(s.t).map((r) => [r.mode, r.user_input]), [
      ["api", "in a storm"],
      ["api", "a lighthouse"],
    ]);
  } finally {
    await s.close();
  }
});

Deno.test("streamed generate and chat add up to the whole answer and end on a done chunk with metrics", async () => {
  const s = await served({ fake: { tokenDelayMs: 1 } });
  try {
    let text = "";
    let last: Record<string, unknown> = {};
    for await (
      const part of await s.client.generate({
        model: "promptsmith/pony",
        prompt: "a knight",
        stream: true,
      })
    ) {
      text += part.response;
      last = part as unknown as Record<string, unknown>;
    }
    equal(last.done, true);
    equal(last.done_reason, "stop");
    ok(Array.isArray(last.context) && (last.context as number[]).length > 0);
    ok((last.eval_count as number) > 0 && (last.total_duration as number) > 0);
    equal(text, historyRows(s.t)[0]!.positive);

    let chatText = "";
    let parts = 0;
    for await (
      const part of await s.client.chat({
        model: "promptsmith/flux",
        messages: [{ role: "user", content: "a tram at dusk" }],
        stream: true,
      })
    ) {
      chatText += part.message.content;
      parts++;
    }
    ok(parts >= 2);
    equal(chatText, historyRows(s.t)[0]!.positive);
  } finally {
    await s.close();
  }
});

Deno.test("the negative model answers the negative prompt of the same generation, and format json both", async () => {
  const s = await served();
  try {
    const pack = s.t.services.presets.get(false).packs[0]!.id;
    const ask = {
      prompt: "a fox in snow",
      system: "You are an AI artist.",
      stream: false,
    } as const;
    const positive = await s.client.generate({ model: `promptsmith/sdxl:${pack}`, ...ask });
    const negative = await s.client.generate({
      model: `promptsmith/sdxl-negative:${pack}`,
      ...ask,
    });
    equal(s.t.fake.chatRequests().length, 1, "one LLM call for both strings");
    const rows = historyRows(s.t);
    equal(rows.length, 1);
    equal(positive.response, rows[0]!.positive);
    equal(negative.response, rows[0]!.negative);
    match(negative.response, /blurry/);
    deepEqual(negative.context, positive.context);

    // Asking for the positive again is a new generation, not the old reply.
    await s.client.generate({ model: `promptsmith/sdxl:${pack}`, ...ask });
    equal(s.t.fake.chatRequests().length, 2);

    const both = await s.client.generate({
      model: "promptsmith/sdxl",
      prompt: "a fox",
      format: "json",
      stream: false,
    });
    const parsed = JSON.parse(String(both.response));
    equal(parsed.positive, historyRows(s.t)[0]!.positive);
    equal(parsed.negative, historyRows(s.t)[0]!.negative);
  } finally {
    await s.close();
  }
});

Deno.test("think asks a thinking LLM to reason, and its reasoning comes back as Ollama's thinking", async () => {
  const s = await served();
  try {
    const whole = await s.client.generate({
      model: "promptsmith/flux",
      prompt: "a moth",
      think: true,
    });
    equal((s.t.fake.chatRequests().at(-1) as { think?: boolean }).think, true);
    match(String(whole.thinking), /light & mood/);
    ok(!String(whole.response).includes("light & mood"));
    let thinking = "";
    for await (
      const part of await s.client.chat({
        model: "promptsmith/flux",
        messages: [{ role: "user", content: "a moth" }],
        think: "high",
        stream: true,
      })
    ) {
      thinking += part.message.thinking ?? "";
    }
    match(thinking, /light & mood/);
    await s.client.generate({ model: "promptsmith/flux", prompt: "a moth", think: false });
    equal((s.t.fake.chatRequests().at(-1) as { think?: boolean }).think, false);
  } finally {
    await s.close();
  }
});

Deno.test("served generations are found in history under the mode api, on the page and in the API", async () => {
  const s = await served();
  try {
    await s.client.generate({ model: "promptsmith/flux", prompt: "a glass harbour" });
    const api = await (await s.t.request("/history?mode=api")).json();
    equal(api.count ?? api.history.length, 1);
    equal(api.history[0].mode, "api");
    equal((await (await s.t.request("/history?mode=oneshot")).json()).history.length, 0);
    const bad = await s.t.request("/history?mode=bogus");
    equal(bad.status, 400);
    match((await bad.json()).message, /api/);
    const page = await (await s.t.request("/ui/history?mode=api")).text();
    match(page, /API \(ComfyUI\)/);
    match(page, /a glass harbour/);
    match(page, /<option\s+value="api"\s+selected>/);
    const none = await (await s.t.request("/ui/history?mode=batch")).text();
    ok(!none.includes("a glass harbour"));
    // An export with api rows imports elsewhere.
    const exported = await (await s.t.request("/history/export?format=json")).json();
    const other = await startTestApp();
    try {
      const report = await (await other.post("/history/import", exported)).json();
      equal(report.imported, 1, JSON.stringify(report));
    } finally {
      await other.close();
    }
  } finally {
    await s.close();
  }
});

Deno.test("aborting a stream cancels the LLM request, saves nothing and gives the slot back", async () => {
  const s = await served({ fake: { tokenDelayMs: 40 } });
  try {
    const stream = await s.client.chat({
      model: "promptsmith/flux",
      messages: [{ role: "user", content: "a slow river" }],
      stream: true,
    });
    const seen: string[] = [];
    await rejects(
      (async () => {
        for await (const part of stream) {
          seen.push(part.message.content);
          stream.abort();
        }
      })(),
      (e: Error) => e.name === "AbortError",
    );
    equal(seen.length, 1);
    await waitFor(() => s.t.fake.cancelledStreams === 1, 3000, "the LLM stream cancelled");
    await waitFor(() => s.t.services.slots.held() === 0, 3000, "the slot back");
    equal(historyRows(s.t).length, 0);
  } finally {
    await s.close();
  }
});

Deno.test("bad requests get Ollama's statuses and error texts through the client", async () => {
  const s = await served();
  const fails = async (call: Promise<unknown>, status: number, text: RegExp) =>
    await rejects(call, (e: { status_code: number; error: string }) => {
      equal(e.status_code, status, e.error);
      match(e.error, text);
      return true;
    });
  try {
    await fails(
      s.client.generate({ model: "llama3.2", prompt: "x" }),
      404,
      /^model 'llama3.2' not found; Promptsmith serves promptsmith\/flux, .*promptsmith\/sdxl, /,
    );
    await fails(s.client.generate({ model: "", prompt: "x" }), 404, /^model '' not found$/);
    await fails(
      s.client.chat({ model: "", messages: [{ role: "user", content: "x" }] }),
      400,
      /^model is required$/,
    );
    await fails(
      s.client.generate({ model: "promptsmith/flux", prompt: "x", think: "loud" as never }),
      400,
      /^invalid think value: "loud"/,
    );
    await fails(
      s.client.generate({ model: "promptsmith/flux", prompt: "x", images: ["aGk="] }),
      400,
      /does not support images/,
    );
    await fails(
      s.client.generate({ model: "promptsmith/flux", prompt: "x", format: { type: "object" } }),
      400,
      /cannot follow a JSON schema/,
    );
    await fails(
      s.client.generate({
        model: "promptsmith/flux",
        prompt: "x",
        options: { seed: "7" as never },
      }),
      400,
      /^option "seed" must be of type integer$/,
    );
    await fails(
      s.client.chat({ model: "promptsmith/flux", messages: [{ role: "system", content: "x" }] }),
      400,
      /no user message/,
    );
    await fails(
      s.client.generate({ model: "promptsmith/flux", prompt: "x".repeat(9000) }),
      400,
      /prompt is too long/,
    );
    await fails(
      s.client.generate({ model: "promptsmith/flux", prompt: "__nosuchlist__ at night" }),
      400,
      /nosuchlist/,
    );
    equal(s.t.fake.chatRequests().length, 0, "nothing reached the LLM");
    // Nothing to write loads or unloads, as Ollama answers it.
    const load = await s.client.generate({ model: "promptsmith/flux", prompt: "" });
    equal(load.done_reason, "load");
    const unload = await s.client.chat({ model: "promptsmith/flux", messages: [], keep_alive: 0 });
    equal(unload.done_reason, "unload");
  } finally {
    await s.close();
  }
});

/** JSON nested deeper than any recursive walk over it could go. */
const DEEP = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;

Deno.test("raw requests: Go-style decoding errors, plain-text 404 and 405, and the root", async () => {
  const s = await served();
  const post = (path: string, body: string) =>
    fetch(`${s.url}${path}`, { method: "POST", body, headers: { "content-type": "text/plain" } });
  try {
    const cases: [string, string, number, string][] = [
      ["/api/generate", "", 400, "missing request body"],
      ["/api/generate", "xyz", 400, "invalid character 'x' looking for beginning of value"],
      ["/api/chat", '{"model": "promptsmith/flux"', 400, "unexpected EOF"],
      [
        "/api/generate",
        "[1]",
        400,
        "json: cannot unmarshal array into Go value of type api.GenerateRequest",
      ],
      [
        "/api/chat",
        '{"model":"promptsmith/flux","stream":"yes","messages":[]}',
        400,
        "json: cannot unmarshal string into Go struct field ChatRequest.stream of type bool",
      ],
      [
        "/api/generate",
        '{"model":"promptsmith/flux","prompt":"x","context":[1,"a"]}',
        400,
        "json: cannot unmarshal string into Go struct field GenerateRequest.context of type int",
      ],
      [
        "/api/generate",
        '{"model":"promptsmith/flux","prompt":"x","keep_alive":true}',
        400,
        "Unsupported type: 'bool'",
      ],
      ["/api/generate", '{"model":"bad name!","prompt":"x"}', 400, "invalid model name"],
      ["/api/show", "{}", 400, "model is required"],
      [
        "/api/generate",
        '{"model":"promptsmith/flux","prompt":"x","format":"xml"}',
        400,
        'invalid format: "xml"; expected "json" or a valid JSON Schema object',
      ],
      [
        "/api/generate",
        `{"model":"promptsmith/flux","prompt":"x","format":${DEEP}}`,
        400,
        'invalid format: an array; expected "json" or a valid JSON Schema object',
      ],
      [
        "/api/chat",
        `{"model":"promptsmith/flux","messages":[{"role":"user","content":${DEEP}}]}`,
        400,
        "json: cannot unmarshal array into Go struct field ChatRequest.messages.content of type string",
      ],
    ];
    for (const [path, body, status, error] of cases) {
      const res = await post(path, body);
      equal(res.status, status, `${path} ${body.slice(0, 80)}`);
      equal(res.headers.get("content-type"), "application/json; charset=utf-8");
      deepEqual(await res.json(), { error }, `${path} ${body.slice(0, 80)}`);
    }
    for (
      const [method, path, status, text] of [
        ["GET", "/", 200, "Ollama is running"],
        ["GET", "/api/pull", 404, "404 page not found"],
        ["GET", "/api/generate", 405, "405 method not allowed"],
        ["POST", "/api/tags", 405, "405 method not allowed"],
        ["DELETE", "/api/delete", 404, "404 page not found"],
      ] as const
    ) {
      const res = await fetch(`${s.url}${path}`, { method });
      const body = await res.text();
      equal(res.status, status, `${method} ${path}`);
      equal(body, text);
      equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
    }
    const head = await fetch(`${s.url}/`, { method: "HEAD" });
    equal(head.status, 200);
    await head.body?.cancel();
  } finally {
    await s.close();
  }
});

Deno.test("AUTH_TOKEN is the client's bearer token; without it the error is in Ollama's shape", async () => {
  const token = "a-long-enough-test-token";
  const s = await served({ env: { AUTH_TOKEN: token } });
  try {
    await rejects(s.client.list(), (e: { status_code: number; error: string }) => {
      equal(e.status_code, 401);
      match(e.error, /AUTH_TOKEN/);
      return true;
    });
    const authed = new Ollama({ host: s.url, headers: { Authorization: `Bearer ${token}` } });
    ok((await authed.list()).models.length > 0);
    const reply = await authed.generate({ model: "promptsmith/flux", prompt: "a cat" });
    ok(reply.response);
    // A browser page on another site cannot post here, and is told so in Ollama's shape.
    const res = await fetch(`${s.url}/api/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "sec-fetch-site": "cross-site" },
      body: JSON.stringify({ model: "promptsmith/flux", prompt: "x" }),
    });
    equal(res.status, 403);
    match((await res.json()).error, /Cross-site POST refused/);
  } finally {
    await s.close();
  }
});

Deno.test("an unreachable LLM, a failure mid-stream and a full cap are Ollama errors, never a 500", async () => {
  const down = await served({ ollamaDown: true });
  try {
    await rejects(
      down.client.generate({ model: "promptsmith/flux", prompt: "x" }),
      (e: { status_code: number; error: string }) =>
        e.status_code === 503 && /Ollama/.test(e.error),
    );
  } finally {
    await down.close();
  }
  const s = await served({
    fake: { fault: "mid-error" },
    env: { MAX_GENERATIONS_PER_CLIENT: "1" },
  });
  try {
    const stream = await s.client.generate({
      model: "promptsmith/flux",
      prompt: "x",
      stream: true,
    });
    await rejects(
      (async () => {
        for await (const _ of stream) { /* read to the end */ }
      })(),
      (e: Error) => /CUDA out of memory/.test(e.message),
    );
    await waitFor(() => s.t.services.slots.held() === 0, 2000, "the slot back");

    s.t.fake.set({ fault: "hang" });
    const holder = new AbortController();
    const held = fetch(`${s.url}/api/generate`, {
      method: "POST",
      body: JSON.stringify({ model: "promptsmith/flux", prompt: "hold" }),
      signal: holder.signal,
    }).catch(() => null);
    await waitFor(() => s.t.services.slots.held() === 1, 2000, "the holder's slot");
    const res = await fetch(`${s.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({
        model: "promptsmith/flux",
        messages: [{ role: "user", content: "x" }],
      }),
    });
    equal(res.status, 429);
    equal(res.headers.get("retry-after"), "5");
    match((await res.json()).error, /generations running/);
    holder.abort();
    await held;
    await waitFor(() => s.t.services.slots.held() === 0, 2000, "the holder's slot back");
  } finally {
    await s.close();
  }
});

// The request bodies comfyui-ollama's nodes send through the `ollama` Python client (which drops
// unset fields, always sends `stream`, sends `tools: []` on chat, and adds the bearer token from
// OLLAMA_API_KEY), with that client's headers.
Deno.test("comfyui-ollama's own requests, replayed: list, generate with kept context, chat, show", async () => {
  const token = "comfy-workflow-token-123";
  const s = await served({ env: { AUTH_TOKEN: token } });
  const headers = {
    "content-type": "application/json",
    accept: "application/json",
    "user-agent": "ollama-python/0.6.0 (x86_64 linux) Python/3.12.3",
    authorization: `Bearer ${token}`,
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return await res.json();
  };
  try {
    const tags = await call("GET", "/api/tags");
    const offered = tags.models.map((m: { model?: string; name: string }) => m.model ?? m.name);
    const model = offered.find((n: string) => n.startsWith("promptsmith/sdxl:"))!;

    // OllamaGenerateV2 with keep_context off, then on (its context sent back).
    const first = await call("POST", "/api/generate", {
      model,
      prompt: "an old sailor mending nets",
      system: "You are an AI artist.",
      stream: false,
      think: false,
      format: "",
      keep_alive: "5m",
    });
    ok(first.response.length > 0);
    ok(Array.isArray(first.context) && first.context.length > 0, "context on every reply");
    const again = await call("POST", "/api/generate", {
      model,
      prompt: "now at dawn",
      system: "You are an AI artist.",
      context: first.context,
      stream: false,
      think: false,
      format: "",
      options: { seed: 1234, temperature: 0.8 },
      keep_alive: "5m",
    });
    ok(again.context.length > first.context.length);
    // The legacy advanced node sends every option, floats included; unknown ones are ignored.
    const legacy = await call("POST", "/api/generate", {
      model,
      prompt: "a lantern",
      system: "You are an art expert.",
      stream: false,
      options: {
        seed: 99,
        top_k: 40.0,
        top_p: 0.9,
        temperature: 0.8,
        num_predict: -1.0,
        tfs_z: 1.0,
      },
      keep_alive: "5m",
    });
    ok(legacy.context.length > 0);

    // OllamaChat keeps the conversation and sends it whole, system first.
    const messages = [
      { role: "system", content: "You are an AI artist." },
      { role: "user", content: "a desert caravan" },
    ];
    const chat1 = await call("POST", "/api/chat", {
      model,
      messages,
      tools: [],
      stream: false,
      think: false,
      format: "",
      keep_alive: "5m",
    });
    ok(chat1.message.content.length > 0);
    messages.push({ role: "assistant", content: chat1.message.content });
    messages.push({ role: "user", content: "under a full moon" });
    const chat2 = await call("POST", "/api/chat", {
      model,
      messages,
      tools: [],
      stream: false,
      format: "",
      keep_alive: "5m",
    });
    match(chat2.message.content, /refined/);

    const shown = await call("POST", "/api/show", { model });
    ok(shown.model_info && typeof shown.model_info === "object");
    deepEqual(
      historyRows(s.t).map((r) => r.mode),
      ["api", "api", "api", "api", "api"],
    );
  } finally {
    await s.close();
  }
});
