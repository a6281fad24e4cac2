import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { startTestApp } from "./helpers.ts";

const ROUTES = [
  { path: "/ollama/api/generate", wire: "ollama" },
  { path: "/ollama/api/chat", wire: "ollama" },
  { path: "/ollama/api/show", wire: "ollama" },
  { path: "/v1/chat/completions", wire: "openai" },
] as const;

const KEYS = [
  "model",
  "name",
  "prompt",
  "system",
  "messages",
  "context",
  "stream",
  "format",
  "keep_alive",
  "options",
  "think",
  "images",
  "raw",
  "suffix",
  "tools",
  "temperature",
  "seed",
  "response_format",
  "reasoning_effort",
  "stream_options",
];

const message = fc.record({
  role: fc.constantFrom("system", "user", "assistant", "developer", "tool", "USER", "x"),
  content: fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constant(null),
    fc.integer(),
    fc.array(
      fc.record({
        type: fc.constantFrom("text", "image_url"),
        text: fc.string({ maxLength: 10 }),
      }),
      { maxLength: 2 },
    ),
  ),
}, { requiredKeys: [] });

const options = fc.record({
  seed: fc.oneof(fc.integer({ min: -3, max: 2 ** 40 }), fc.double(), fc.string({ maxLength: 4 })),
  temperature: fc.oneof(fc.double({ noNaN: false }), fc.string({ maxLength: 4 }), fc.boolean()),
  top_k: fc.double(),
}, { requiredKeys: [] });

const value = fc.oneof(
  options,
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer({ min: -5, max: 0x50534d31 }), { maxLength: 6 }),
  fc.array(message, { maxLength: 4 }),
  fc.dictionary(
    fc.constantFrom("seed", "temperature", "top_k", "type", "include_usage", "num_ctx"),
    fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 8 }), fc.boolean()),
  ),
  fc.constantFrom(
    "promptsmith/flux",
    "promptsmith/sdxl:ghibli_magic",
    "promptsmith/sdxl-negative",
    "PROMPTSMITH/PONY:LATEST",
    "llama3.2",
    "json",
    "",
    "5m",
    "a cat",
    "high",
  ),
);

/** A valid request for every route, with random fields laid over it. */
const nearValid = fc.tuple(
  fc.constantFrom("promptsmith/flux", "promptsmith/sdxl-negative:ghibli_magic", "promptsmith/sd3"),
  fc.option(options, { nil: undefined }),
  fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 2 }),
).map(([model, opts, extra]) =>
  JSON.stringify({
    model,
    prompt: "a cat",
    messages: [{ role: "user", content: "a cat" }],
    stream: false,
    options: opts,
    ...extra,
  })
);

const body = fc.oneof(
  { arbitrary: nearValid, weight: 4 },
  {
    arbitrary: fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 7 }).map((o) =>
      JSON.stringify(o)
    ),
    weight: 3,
  },
  { arbitrary: fc.json(), weight: 1 },
  { arbitrary: fc.string({ maxLength: 60 }), weight: 1 },
  { arbitrary: fc.constantFrom("", "{", "[]"), weight: 1 },
);

function checkOllama(status: number, type: string, text: string, where: string): void {
  if (status >= 400) {
    equal(type, "application/json; charset=utf-8", where);
    const json = JSON.parse(text);
    deepEqual(Object.keys(json), ["error"], where);
    equal(typeof json.error, "string", where);
    return;
  }
  const lines = text.split("\n").filter(Boolean);
  ok(lines.length >= 1, where);
  for (const line of lines) JSON.parse(line);
}

function checkOpenAi(status: number, type: string, text: string, where: string): void {
  if (type.startsWith("text/event-stream")) {
    equal(status, 200, where);
    const frames = text.split("\n\n").filter(Boolean).map((f) => f.replace(/^data: /, ""));
    for (const frame of frames) if (frame !== "[DONE]") JSON.parse(frame);
    return;
  }
  const json = JSON.parse(text);
  if (status >= 400) {
    deepEqual(Object.keys(json), ["error"], where);
    equal(typeof json.error.message, "string", where);
    equal(typeof json.error.type, "string", where);
  } else {
    equal(json.object, "chat.completion", where);
  }
}

Deno.test("property: the served-model routes never answer 500, and every error is in its protocol's shape", async () => {
  const t = await startTestApp({ fake: { reply: () => "POSITIVE: fine\nNEGATIVE: bad" } });
  const statuses = new Map<number, number>();
  try {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), body, async (route, raw) => {
        const res = await t.app.request(route.path, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: raw,
        });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const where = `${route.path} ${raw.slice(0, 120)} → ${res.status} ${text.slice(0, 120)}`;
        ok(res.status !== 500, where);
        const type = res.headers.get("content-type") ?? "";
        if (route.wire === "ollama") checkOllama(res.status, type, text, where);
        else checkOpenAi(res.status, type, text, where);
      }),
      { numRuns: 300, seed: 20261202 },
    );
    ok((statuses.get(400) ?? 0) > 50, "most random bodies are bad input");
    ok((statuses.get(200) ?? 0) > 5, "some random bodies are valid and succeed");
    equal(t.services.slots.held(), 0);
  } finally {
    await t.close();
  }
});
