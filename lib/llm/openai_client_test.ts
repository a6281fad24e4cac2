import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import type { ChatEvent } from "./types.ts";
import { OllamaClient } from "./ollama_client.ts";
import { defaultReply } from "../../tests/fakes/fake_common.ts";
import {
  type FakeOpenAi,
  type FakeOpenAiOptions,
  type OpenAiFault,
  startFakeOpenAi,
} from "../../tests/fakes/fake_openai.ts";
import { closedPortUrl, failsWith } from "../../tests/fakes/llm_failures.ts";
import type { ChatMessage, GenerationOptions, LlmClient } from "./types.ts";
import { OPENAI_COMPATIBLE, OpenAiClient, type OpenAiClientOptions } from "./openai_client.ts";

const MESSAGES: ChatMessage[] = [
  { role: "system", content: "Write one prompt as POSITIVE: … and NEGATIVE: … lines." },
  { role: "user", content: "Idea: a lighthouse in a storm" },
];
const REASONING = "The user wants an image prompt. I should think about light & mood <carefully>.";

interface Collected {
  events: ChatEvent[];
  content: string;
  thinking: string;
  stats: Extract<ChatEvent, { type: "done" }>["stats"] | undefined;
}

async function collect(
  client: OpenAiClient,
  model: string,
  options: GenerationOptions = {},
  signal?: AbortSignal,
  messages: ChatMessage[] = MESSAGES,
  into: ChatEvent[] = [],
): Promise<Collected> {
  for await (const event of client.chat(model, messages, options, signal)) into.push(event);
  return summary(into);
}

function summary(events: ChatEvent[]): Collected {
  let content = "";
  let thinking = "";
  let stats: Collected["stats"];
  for (const e of events) {
    if (e.type === "content") content += e.text;
    else if (e.type === "thinking") thinking += e.text;
    else stats = e.stats;
  }
  return { events, content, thinking, stats };
}

/** The events without the one number that depends on the clock. */
function timeless(events: ChatEvent[]): ChatEvent[] {
  return events.map((e) =>
    e.type === "done" ? { type: "done", stats: { ...e.stats, total_duration_ms: 0 } } : e
  );
}

async function withFake(
  options: FakeOpenAiOptions,
  run: (
    fake: FakeOpenAi,
    client: (extra?: Partial<OpenAiClientOptions>) => OpenAiClient,
  ) => Promise<void>,
): Promise<void> {
  const fake = startFakeOpenAi(options);
  try {
    await run(
      fake,
      (extra = {}) => new OpenAiClient({ baseUrl: fake.url, timeoutMs: 2000, ...extra }),
    );
  } finally {
    await fake.close();
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = performance.now() + 2000;
  while (!check()) {
    if (performance.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A caller's signal that ends a test whose client fails to time out, instead of hanging it. */
function bail(): AbortSignal {
  return AbortSignal.timeout(3000);
}

Deno.test("both clients fit the LlmClient surface the app is wired to", () => {
  const clients: LlmClient[] = [
    new OllamaClient({ baseUrl: "http://127.0.0.1:1", timeoutMs: 1 }),
    new OpenAiClient({ baseUrl: "http://127.0.0.1:1", timeoutMs: 1 }),
  ];
  equal(clients.length, 2);
});

Deno.test("OpenAiClient streams the reply the Ollama fake writes for the same messages and seed", async () => {
  await withFake({}, async (fake, client) => {
    const got = await collect(client(), "llama3.2:latest", { seed: 7, temperature: 0.7 });
    equal(got.content, defaultReply(MESSAGES, 7));
    equal(got.thinking, "");
    equal(got.stats?.done_reason, "stop");
    equal(got.stats?.eval_count, got.events.length - 1);
    ok((got.stats?.prompt_eval_count ?? 0) > 0);
    const [sent] = fake.chatRequests();
    deepEqual(
      { ...sent, messages: undefined },
      {
        model: "llama3.2:latest",
        messages: undefined,
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0.7,
        seed: 7,
      },
    );
  });
});

Deno.test("OpenAiClient reads both chunk sequences (role once or on every delta) alike", async () => {
  const runs: ChatEvent[][] = [];
  for (const chunkStyle of ["new", "old"] as const) {
    await withFake({ chunkStyle }, async (_fake, client) => {
      for (const model of ["llama3.2:latest", "qwen3:latest"]) {
        runs.push(timeless((await collect(client(), model, { seed: 1 })).events));
      }
    });
  }
  deepEqual(runs[2], runs[0]);
  deepEqual(runs[3], runs[1]);
  ok(summary(runs[1]!).thinking.length > 0);
});

Deno.test("OpenAiClient asks for a whole reply when streaming is off and yields the same events", async () => {
  await withFake({ goEscape: true }, async (fake, client) => {
    for (const model of ["llama3.2:latest", "qwen3:latest", "legacy-r1"]) {
      const streamed = await collect(client(), model, { seed: 2 });
      const whole = await collect(client({ stream: false }), model, { seed: 2 });
      equal(whole.content, streamed.content);
      equal(whole.thinking.trim(), streamed.thinking.trim());
      deepEqual(
        { ...whole.stats, total_duration_ms: 0 },
        { ...streamed.stats, total_duration_ms: 0 },
      );
    }
    equal(fake.chatRequests().filter((r) => r.stream === false).length, 3);
  });
});

Deno.test("OpenAiClient turns `reasoning`, `reasoning_content` and inline <think> into thinking, never content", async () => {
  await withFake({}, async (_fake, client) => {
    for (const model of ["qwen3:latest", "deepseek-r1-distill-qwen-7b", "legacy-r1"]) {
      const got = await collect(client(), model, { seed: 4 });
      equal(got.thinking.trim(), REASONING, model);
      equal(got.content, defaultReply(MESSAGES, 4), model);
      ok(got.events.every((e) => e.type !== "content" || !e.text.includes("think")), model);
    }
  });
});

Deno.test("OpenAiClient takes the stats from llama.cpp's timings when there is no usage chunk", async () => {
  await withFake({ timings: true }, async (fake, client) => {
    const got = await collect(client({ streamUsage: false }), "llama3.2:latest");
    equal(fake.chatRequests()[0]!.stream_options, undefined);
    equal(got.stats?.eval_count, got.events.length - 1);
    equal(typeof got.stats?.eval_duration_ms, "number");
    equal(got.stats?.done_reason, "stop");
  });
});

Deno.test("OpenAiClient sends max_tokens and reports a reply cut at the limit", async () => {
  await withFake({}, async (fake, client) => {
    const got = await collect(client(), "llama3.2:latest", { maxTokens: 5 });
    equal(fake.chatRequests()[0]!.max_tokens, 5);
    equal(got.content.trim().split(/\s+/).length, 5);
    equal(got.stats?.done_reason, "length");
  });
});

Deno.test("OpenAiClient gets the same reply for the same seed and another for another seed", async () => {
  await withFake({}, async (_fake, client) => {
    const a = await collect(client(), "llama3.2:latest", { seed: 11, temperature: 1 });
    const b = await collect(client(), "llama3.2:latest", { seed: 11, temperature: 1 });
    const c = await collect(client(), "llama3.2:latest", { seed: 12, temperature: 1 });
    equal(a.content, b.content);
    ok(a.content !== c.content);
  });
});

Deno.test("OpenAiClient reports an unknown model as a 404 with what to do, whoever wrote the error", async () => {
  for (const errorStyle of ["openai", "string", "vllm"] as const) {
    await withFake({ errorStyle }, async (_fake, client) => {
      const err = await failsWith(collect(client(), "nope:7b"), 404);
      equal(err.type, "model_not_found");
      ok(err.message.includes('"nope:7b"') && err.message.includes("pick one"), err.message);
    });
  }
});

Deno.test("OpenAiClient reports a request the server refuses as a 502 in the server's words", async () => {
  await withFake({}, async (_fake, client) => {
    const withImage: ChatMessage[] = [{
      role: "user",
      content: "Idea: this",
      images: ["iVBORw0KGgo="],
    }];
    const err = await failsWith(
      collect(client(), "llama3.2:latest", {}, undefined, withImage),
      502,
    );
    equal(err.type, "api_error");
    ok(err.message.includes("HTTP 400: image input is not supported"), err.message);
    ok(err.message.includes("LLM server at http://127.0.0.1:"), err.message);
  });
});

Deno.test("OpenAiClient reports busy and crashed servers as 502s with their words", async () => {
  await withFake({}, async (fake, client) => {
    for (const [fault, words] of [["busy", "HTTP 503: Loading model"], ["crash", "HTTP 500"]]) {
      await fake.set({ fault: fault as OpenAiFault });
      const err = await failsWith(collect(client(), "llama3.2:latest"), 502);
      ok(err.message.includes(words!), err.message);
    }
  });
});

Deno.test("OpenAiClient sends images to a vision model as data-URL content parts", async () => {
  await withFake({}, async (fake, client) => {
    const jpeg = "/9j/4AAQSkZJRg==";
    const got = await collect(client(), "gemma-3-4b-it", {}, undefined, [
      { role: "user", content: "Idea: like this", images: [jpeg] },
    ]);
    ok(got.content.length > 0);
    deepEqual(fake.chatRequests()[0]!.messages, [{
      role: "user",
      content: [
        { type: "text", text: "Idea: like this" },
        { type: "image_url", image_url: { url: `data:image/jpeg;base64,${jpeg}` } },
      ],
    }]);
  });
});

Deno.test("OpenAiClient sends the API key as a bearer token on every call", async () => {
  await withFake({ apiKey: "sk-local-123" }, async (fake, client) => {
    const keyed = client({ apiKey: "sk-local-123" });
    equal(await keyed.version(), OPENAI_COMPATIBLE);
    await collect(keyed, "llama3.2:latest");
    deepEqual(fake.requests.map((r) => r.headers.authorization), [
      "Bearer sk-local-123",
      "Bearer sk-local-123",
    ]);
  });
});

Deno.test("OpenAiClient says to set LLM_API_KEY when the server wants a key", async () => {
  await withFake({ apiKey: "sk-local-123" }, async (fake, client) => {
    const err = await failsWith(collect(client(), "llama3.2:latest"), 502);
    ok(
      err.message.includes("wants an API key") && err.message.includes("LLM_API_KEY"),
      err.message,
    );
    await failsWith(client().tags(), 502);
    equal(fake.requests[0]!.headers.authorization, undefined);
  });
});

Deno.test("OpenAiClient never shows a wrong API key, even when the server quotes it back", async () => {
  const key = "sk-wrong-5f2c9e";
  await withFake({ apiKey: "sk-right" }, async (fake, client) => {
    for (
      const call of [
        (c: OpenAiClient) => collect(c, "llama3.2:latest"),
        (c: OpenAiClient) => c.tags(),
      ]
    ) {
      const err = await failsWith(call(client({ apiKey: key })), 502);
      ok(err.message.includes("refused the API key"), err.message);
      const shown = JSON.stringify(err.toBody()) + err.message + String(err.cause) + err.stack;
      ok(!shown.includes(key), shown);
      ok(!shown.includes("5f2c9e"), shown);
    }
    // The fake did quote it, so the check above had something to catch.
    ok(fake.requests.every((r) => r.headers.authorization === `Bearer ${key}`));
  });
});

Deno.test("OpenAiClient lists no models whether the server writes `data: null` or `[]`", async () => {
  for (const emptyList of ["null", "array"] as const) {
    await withFake({ models: [], emptyList }, async (_fake, client) => {
      deepEqual(await client().tags(), []);
      equal(await client().version(), OPENAI_COMPATIBLE);
    });
  }
});

Deno.test("OpenAiClient probes /v1/models whether LLM_URL ends in /v1 or not", async () => {
  await withFake({}, async (fake, client) => {
    for (const baseUrl of [fake.url, `${fake.url}/`, `${fake.url}/v1`, `${fake.url}/v1/`]) {
      equal(await client({ baseUrl }).version(), OPENAI_COMPATIBLE);
    }
    deepEqual(fake.requests.map((r) => r.path), Array(4).fill("/v1/models"));
    deepEqual((await client().tags()).map((m) => m.name), [
      "qwen3:latest",
      "llama3.2:latest",
      "deepseek-r1-distill-qwen-7b",
      "legacy-r1",
      "gemma-3-4b-it",
    ]);
    equal(await client().digest("qwen3:latest"), null);
    await client().unload("qwen3:latest");
    equal(fake.requests.length, 5);
  });
});

Deno.test("OpenAiClient asks about LLM_URL when the address answers LM Studio's 200-with-error", async () => {
  await withFake({ errorStyle: "string" }, async (_fake, client) => {
    const err = await failsWith(client({ baseUrl: `${_fake.url}/api` }).version(), 502);
    ok(err.message.includes("Unexpected endpoint"), err.message);
    ok(err.message.includes("is LLM_URL the address"), err.message);
  });
});

Deno.test("OpenAiClient reports vision only where the listing says so, and caches the listing", async () => {
  await withFake({ listModalities: true }, async (fake, client) => {
    const c = client();
    deepEqual(await c.capabilities("gemma-3-4b-it"), ["vision"]);
    deepEqual(await c.capabilities("llama3.2:latest"), []);
    deepEqual(await c.capabilities("not-listed"), []);
    equal(fake.requests.length, 1);
  });
  await withFake({}, async (_fake, client) => {
    deepEqual(await client().capabilities("gemma-3-4b-it"), []);
  });
});

Deno.test("OpenAiClient reports a server that is not there as a 503, and one that comes back works", async () => {
  const down = new OpenAiClient({ baseUrl: closedPortUrl(), timeoutMs: 2000 });
  const err = await failsWith(down.version(), 503);
  ok(err.message.includes("Cannot connect to the LLM server at http://127.0.0.1:"), err.message);
  await failsWith(collect(down, "llama3.2:latest"), 503);
  await withFake({}, async (fake, client) => {
    await fake.set({ fault: "refuse" });
    await failsWith(collect(client(), "llama3.2:latest"), 503);
    await fake.set({ fault: "none" });
    ok((await collect(client(), "llama3.2:latest")).content.length > 0);
  });
});

Deno.test("OpenAiClient times out a server that never answers, and lets go of the request", async () => {
  await withFake({ fault: "stall-headers" }, async (fake, client) => {
    const started = performance.now();
    const err = await failsWith(
      collect(client({ timeoutMs: 300 }), "llama3.2:latest", {}, bail()),
      504,
    );
    const ms = performance.now() - started;
    ok(ms >= 290 && ms < 1500, `took ${ms} ms`);
    ok(err.message.includes("sent nothing useful for 0.3 seconds"), err.message);
    await until(() => fake.hangingRequests === 0, "the fake to see the request end");
    ok(fake.requests[0]!.closedByClient);
  });
});

Deno.test("OpenAiClient counts connecting against the timeout and the abort signal", async () => {
  // A connection that never completes: the fetch call itself never settles unless aborted.
  const hangingFetch = ((_url: string, init: RequestInit) =>
    new Promise((_resolve, reject) => {
      init.signal!.addEventListener("abort", () => reject(init.signal!.reason), { once: true });
    })) as unknown as typeof fetch;
  const client = new OpenAiClient({
    baseUrl: "http://192.0.2.1",
    timeoutMs: 200,
    fetch: hangingFetch,
  });
  await failsWith(collect(client, "m"), 504);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  await rejects(collect(client, "m", {}, ac.signal), { name: "AbortError" });
});

Deno.test("OpenAiClient times out a stream that sends only keep-alive comments", async () => {
  await withFake({ fault: "stall-start", pingMs: 20 }, async (fake, client) => {
    // The comments do flow, and nothing else: a raw read sees three of them and no event.
    const reader = (await fetch(`${fake.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "llama3.2:latest", messages: MESSAGES, stream: true }),
      signal: AbortSignal.timeout(1000),
    })).body!.getReader();
    let seen = "";
    while (seen.split(": ping").length < 4) {
      seen += new TextDecoder().decode((await reader.read()).value);
    }
    await reader.cancel();
    equal(seen.replaceAll(": ping\n\n", ""), "");

    const started = performance.now();
    await failsWith(collect(client({ timeoutMs: 300 }), "llama3.2:latest", {}, bail()), 504);
    const ms = performance.now() - started;
    ok(ms >= 290 && ms < 1500, `took ${ms} ms`);
    await until(() => fake.openStreams === 0, "the stream to close");
  });
});

Deno.test("OpenAiClient times out a stream that stalls mid-reply behind keep-alive comments", async () => {
  await withFake({ fault: "stall-mid", pingMs: 20 }, async (_fake, client) => {
    const events: ChatEvent[] = [];
    await failsWith(
      collect(client({ timeoutMs: 300 }), "llama3.2:latest", {}, bail(), MESSAGES, events),
      504,
    );
    equal(summary(events).content, defaultReply(MESSAGES).split(" ").slice(0, 3).join(" ") + " ");
  });
});

Deno.test("OpenAiClient does not count empty deltas and whitespace as progress", async () => {
  await withFake({ fault: "idle-deltas" }, async (fake, client) => {
    const started = performance.now();
    await failsWith(collect(client({ timeoutMs: 300 }), "llama3.2:latest", {}, bail()), 504);
    ok(performance.now() - started < 1500);
    await until(() => fake.requests[0]!.closedByClient, "the fake to see the stream closed");
  });
});

Deno.test("OpenAiClient lets a slow, steady stream run past the timeout", async () => {
  await withFake(
    { tokenDelayMs: 40, reply: () => "a b c d e f g h i j k l" },
    async (_fake, client) => {
      const started = performance.now();
      const got = await collect(client({ timeoutMs: 200 }), "llama3.2:latest");
      equal(got.content, "a b c d e f g h i j k l");
      ok(performance.now() - started > 400);
    },
  );
});

Deno.test("OpenAiClient stops a generation that runs past the total time limit, however busy", async () => {
  const words = Array.from({ length: 400 }, (_, i) => `w${i}`).join(" ");
  await withFake({ tokenDelayMs: 20, reply: () => words }, async (fake, client) => {
    const started = performance.now();
    const err = await failsWith(
      collect(client({ timeoutMs: 300, totalTimeoutMs: 500 }), "llama3.2:latest", {}, bail()),
      504,
    );
    match(err.message, /LLM_TOTAL_TIMEOUT/);
    const ms = performance.now() - started;
    ok(ms >= 450 && ms < 2000, `stopped after ${ms} ms`);
    await until(() => fake.requests[0]!.closedByClient, "the fake to see the stream closed");
  });
});

Deno.test("OpenAiClient ends a reply longer than the reply limit with a 502", async () => {
  const words = Array.from({ length: 200 }, () => "abcdefghij").join(" ");
  await withFake({ reply: () => words }, async (_fake, client) => {
    const err = await failsWith(
      collect(client({ maxReplyChars: 500 }), "llama3.2:latest", {}, bail()),
      502,
    );
    match(err.message, /reply longer than 500 characters/);
  });
});

Deno.test("OpenAiClient surfaces every kind of mid-stream failure as a 502, after the text so far", async () => {
  const cases: [OpenAiFault, string][] = [
    ["error-line", "CUDA error: out of memory"],
    ["error-data", "an error was encountered while running the model"],
    ["error-eof", "the stream ended before the reply finished"],
    ["malformed", "a stream event was not JSON"],
    ["drop", "the connection broke before the reply finished"],
  ];
  await withFake({}, async (fake, client) => {
    for (const [fault, words] of cases) {
      await fake.set({ fault });
      const events: ChatEvent[] = [];
      const err = await failsWith(
        collect(client(), "llama3.2:latest", {}, undefined, MESSAGES, events),
        502,
      );
      ok(err.message.includes(words), `${fault}: ${err.message}`);
      ok(summary(events).content.length > 0, fault);
      ok(!events.some((e) => e.type === "done"), fault);
    }
  });
});

Deno.test("OpenAiClient closes the upstream request when the caller aborts mid-stream", async () => {
  await withFake({ tokenDelayMs: 20 }, async (fake, client) => {
    const ac = new AbortController();
    const events: ChatEvent[] = [];
    await rejects(
      (async () => {
        for await (const e of client().chat("llama3.2:latest", MESSAGES, {}, ac.signal)) {
          events.push(e);
          if (e.type === "content") ac.abort();
        }
      })(),
      { name: "AbortError" },
    );
    equal(events.length, 1);
    await until(() => fake.cancelledStreams === 1, "the fake to see the stream cancelled");
    ok(fake.requests[0]!.closedByClient);
    equal(fake.openStreams, 0);
  });
});

Deno.test("OpenAiClient closes the upstream request when the caller stops reading", async () => {
  await withFake({ tokenDelayMs: 20 }, async (fake, client) => {
    for await (const e of client().chat("llama3.2:latest", MESSAGES)) {
      if (e.type === "content") break;
    }
    await until(() => fake.cancelledStreams === 1, "the fake to see the stream cancelled");
    ok(fake.requests[0]!.closedByClient);
  });
});

Deno.test("OpenAiClient does not connect at all for an already aborted signal", async () => {
  await withFake({}, async (fake, client) => {
    await rejects(collect(client(), "llama3.2:latest", {}, AbortSignal.abort()), {
      name: "AbortError",
    });
    equal(fake.requests.length, 0);
  });
});

const PROMPT_SCHEMA = {
  type: "object",
  properties: { positive: { type: "string" }, negative: { type: "string" } },
  required: ["positive", "negative"],
};

Deno.test("OpenAiClient asks for a JSON schema as response_format and gets JSON that fits", async () => {
  await withFake({}, async (fake, client) => {
    const got = await collect(client(), "llama3.2:latest", { format: PROMPT_SCHEMA, seed: 5 });
    deepEqual(fake.chatRequests()[0]!.response_format, {
      type: "json_schema",
      json_schema: { name: "reply", schema: PROMPT_SCHEMA },
    });
    const [positive, negative] = defaultReply(MESSAGES, 5).split("\n");
    deepEqual(JSON.parse(got.content), {
      positive: positive!.slice("POSITIVE: ".length),
      negative: negative!.slice("NEGATIVE: ".length),
    });
    await collect(client(), "llama3.2:latest", { format: "json" });
    deepEqual(fake.chatRequests()[1]!.response_format, { type: "json_object" });
  });
});

Deno.test("OpenAiClient asks again without response_format where the server refuses it, once", async () => {
  await withFake({ formats: [] }, async (fake, client) => {
    const c = client();
    const first = await collect(c, "llama3.2:latest", { format: PROMPT_SCHEMA, seed: 5 });
    equal(first.content, defaultReply(MESSAGES, 5));
    await collect(c, "llama3.2:latest", { format: PROMPT_SCHEMA, seed: 5 });
    deepEqual(fake.chatRequests().map((r) => r.response_format !== undefined), [
      true,
      false,
      false,
    ]);
  });
});

Deno.test("OpenAiClient asks again without stream_options where the server does not know it", async () => {
  await withFake({ streamOptions: false }, async (fake, client) => {
    const c = client();
    const got = await collect(c, "llama3.2:latest", { seed: 5 });
    equal(got.content, defaultReply(MESSAGES, 5));
    equal(got.stats?.done_reason, "stop");
    await collect(c, "llama3.2:latest");
    deepEqual(fake.chatRequests().map((r) => r.stream_options !== undefined), [true, false, false]);
  });
});

Deno.test("OpenAiClient reads trickled bytes and \\r\\n or \\r line ends to the same reply", async () => {
  for (const lineEnding of ["\r\n", "\r"] as const) {
    await withFake(
      { fault: "trickle", trickleBytes: 7, trickleMs: 0, lineEnding },
      async (_fake, client) => {
        const got = await collect(client(), "legacy-r1", { seed: 9 });
        equal(got.content, defaultReply(MESSAGES, 9));
        equal(got.thinking.trim(), REASONING);
      },
    );
  }
});

Deno.test("OpenAiClient gives the same events wherever the stream's bytes are cut", async () => {
  let bytes = new Uint8Array();
  await withFake(
    { reply: () => "Soft <b>glow</b> & fog ✓ 🙂.", reasoning: "λ: why?" },
    async (fake) => {
      const res = await fetch(`${fake.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({
          model: "legacy-r1",
          messages: MESSAGES,
          stream: true,
          stream_options: { include_usage: true },
        }),
      });
      bytes = new Uint8Array(await res.arrayBuffer());
    },
  );
  const replay = (cut: number) =>
    ((_url: string, _init: RequestInit) => {
      const parts = [bytes.subarray(0, cut), bytes.subarray(cut)];
      return Promise.resolve(
        new Response(ReadableStream.from(parts), {
          headers: { "content-type": "text/event-stream" },
        }),
      );
    }) as unknown as typeof fetch;
  const want = timeless(
    (await collect(
      new OpenAiClient({ baseUrl: "http://fake", timeoutMs: 1000, fetch: replay(0) }),
      "legacy-r1",
    )).events,
  );
  equal(summary(want).content, "Soft <b>glow</b> & fog ✓ 🙂.");
  equal(summary(want).thinking.trim(), "λ: why?");
  for (let cut = 1; cut < bytes.length; cut++) {
    const client = new OpenAiClient({
      baseUrl: "http://fake",
      timeoutMs: 1000,
      fetch: replay(cut),
    });
    deepEqual(timeless((await collect(client, "legacy-r1")).events), want, `cut at ${cut}`);
  }
});

Deno.test("OpenAiClient drops NUL characters from the model's text, streamed or whole", async () => {
  await withFake({ reply: () => "a\0 fox\0 at dawn" }, async (_fake, client) => {
    for (const stream of [true, false]) {
      const got = await collect(client({ stream }), "llama3.2:latest");
      equal(got.content, "a fox at dawn", `stream: ${stream}`);
    }
  });
});
