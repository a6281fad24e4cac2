import { equal, match, ok } from "node:assert/strict";
import { establishedTo, readSse, startTestApp, type TestAppOptions, waitFor } from "./helpers.ts";
import type { Fault } from "./fakes/fake_ollama.ts";

interface FaultCase {
  name: string;
  options: TestAppOptions;
  body?: Record<string, unknown>;
  status: number;
  type?: string;
  message?: RegExp;
  /** What the stream shows: an error type in-stream, or a plain status before it starts. */
  stream: { status: number; errorType?: string };
}

const fault = (f: Fault, extra: TestAppOptions = {}): TestAppOptions => ({
  ...extra,
  fake: { fault: f, ...extra.fake },
});

const CASES: FaultCase[] = [
  {
    name: "Ollama's host does not resolve",
    options: { env: { OLLAMA_URL: "http://ollama.invalid:11434" } },
    status: 503,
    type: "connection_error",
    stream: { status: 503 },
  },
  {
    name: "connection refused",
    options: { ollamaDown: true },
    status: 503,
    type: "connection_error",
    stream: { status: 503 },
  },
  {
    name: "slow first byte within the timeout",
    options: fault("slow-first-byte", { fake: { slowMs: 300 }, env: { OLLAMA_TIMEOUT: "3" } }),
    status: 200,
    stream: { status: 200 },
  },
  {
    name: "slow first byte past the timeout",
    options: fault("slow-first-byte", { fake: { slowMs: 1500 }, env: { OLLAMA_TIMEOUT: "0.3" } }),
    status: 504,
    type: "timeout_error",
    stream: { status: 504 },
  },
  {
    name: "a reply that never starts",
    options: fault("hang", { env: { OLLAMA_TIMEOUT: "0.3" } }),
    status: 504,
    type: "timeout_error",
    stream: { status: 504 },
  },
  {
    name: "a hang mid-stream",
    options: fault("hang-mid", { env: { OLLAMA_TIMEOUT: "0.3" } }),
    status: 504,
    type: "timeout_error",
    stream: { status: 200, errorType: "timeout_error" },
  },
  {
    name: "malformed NDJSON",
    options: fault("malformed"),
    status: 502,
    type: "api_error",
    message: /Malformed line/,
    stream: { status: 200, errorType: "api_error" },
  },
  {
    name: "an error line mid-stream",
    options: fault("mid-error"),
    status: 502,
    type: "api_error",
    message: /CUDA out of memory/,
    stream: { status: 200, errorType: "api_error" },
  },
  {
    name: "an unknown model",
    options: {},
    body: { ollama_model: "ghost:7b" },
    status: 404,
    type: "model_not_found",
    message: /ollama pull ghost:7b/,
    stream: { status: 404 },
  },
  {
    name: "a 500 load failure",
    options: fault("load-fail"),
    status: 502,
    type: "api_error",
    message: /llama runner/,
    stream: { status: 502 },
  },
  {
    name: "a 503 busy server",
    options: fault("busy"),
    status: 502,
    type: "api_error",
    message: /server busy/,
    stream: { status: 502 },
  },
  {
    name: "a truncated stream",
    options: fault("truncate"),
    status: 502,
    type: "api_error",
    message: /ended before/,
    stream: { status: 200, errorType: "api_error" },
  },
  {
    name: "a huge reply",
    options: fault("huge", { fake: { hugeWords: 30_000 } }),
    status: 200,
    stream: { status: 200 },
  },
];

for (const c of CASES) {
  Deno.test(`fault: ${c.name} gives ${c.status}${c.type ? ` ${c.type}` : ""}, keeps the server up and leaks nothing`, async () => {
    const t = await startTestApp(c.options);
    try {
      const body = { input: "a lighthouse", ...c.body };
      const res = await t.post("/generate", body);
      equal(res.status, c.status);
      const json = await res.json();
      if (c.type) {
        equal(json.type, c.type);
        equal(json.status, c.status);
        equal(typeof json.message, "string");
        if (c.message) match(json.message, c.message);
        equal(
          t.services.history.use().list({ limit: 5 }).total,
          0,
          "a failed generation writes no history",
        );
      } else {
        ok(json.positive.length > 0);
      }

      const stream = await t.post("/generate-stream", body);
      equal(stream.status, c.stream.status);
      if (c.stream.status === 200) {
        const events = await readSse(stream);
        const last = events.at(-1)!;
        if (c.stream.errorType) {
          equal(last.type, c.stream.errorType);
          ok(!events.some((e) => "done" in e));
        } else {
          equal(last.done, true);
        }
      } else {
        equal((await stream.json()).status, c.stream.status);
      }
      if (c.type) equal(t.services.history.use().list({ limit: 5 }).total, 0);

      const health = await t.request("/healthz");
      equal(health.status, 200, "the server stays up");
      await health.body?.cancel();
      // The fake cannot always see a client leave (Deno's server misses disconnects of requests
      // with bodies), so the sockets themselves are counted too.
      await waitFor(() => t.fake.openStreams === 0, 3000, "upstream streams to close");
      // Idle keep-alive connections are pooled (two at most here); anything beyond is a leak.
      if (establishedTo(t.fake.port) !== null) {
        await waitFor(
          () => establishedTo(t.fake.port)! <= 2,
          3000,
          "no upstream sockets beyond the pool",
        );
      }
      equal(t.services.slots.held(), 0);
    } finally {
      await t.close();
    }
  });
}

Deno.test("fault: a huge chat reply is stored shortened so the conversation stays within KV limits", async () => {
  const t = await startTestApp({ fake: { fault: "huge", hugeWords: 30_000 } });
  try {
    const res = await t.post("/chat", { message: "go", session_id: "huge-session-0001" });
    equal(res.status, 200);
    await res.body?.cancel();
    const stored = await t.services.conversations.messages("huge-session-0001", "chat");
    ok(stored[1]!.content.length <= 20_010);
    const next = await t.post("/chat", { message: "again", session_id: "huge-session-0001" });
    equal(next.status, 200);
    await next.body?.cancel();
  } finally {
    await t.close();
  }
});
