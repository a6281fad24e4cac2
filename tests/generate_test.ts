import { deepEqual, equal, match, ok } from "node:assert/strict";
import { readSse, serveOnPort, startTestApp, waitFor } from "./helpers.ts";

Deno.test("POST /generate returns the parsed prompt, stats and a history id", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/generate", { input: "a cat in the rain", model: "sdxl" });
    equal(res.status, 200);
    match(res.headers.get("content-type")!, /application\/json/);
    const body = await res.json();
    equal(body.model, "sdxl");
    equal(body.ollama_model, "qwen3:latest");
    match(body.positive, /^masterpiece, best quality, \(a cat in the rain:1\.2\)/);
    match(body.negative, /blurry/);
    ok(!body.positive.includes("NEGATIVE"));
    equal(typeof body.history_id, "number");
    // The fake counts the words of the JSON it wrote: the count passes through as given.
    ok(Number.isInteger(body.stats.eval_count) && body.stats.eval_count > 10);
    const row = t.services.history.use().get(body.history_id)!;
    equal(row.user_input, "a cat in the rain");
    equal(row.positive, body.positive);
    equal(row.mode, "oneshot");
  } finally {
    await t.close();
  }
});

Deno.test("POST /generate for flux gives one paragraph and a null negative", async () => {
  const t = await startTestApp();
  try {
    const body = await (await t.post("/generate", { input: "a red fox at dawn" })).json();
    equal(body.model, "flux");
    equal(body.negative, null);
    match(body.positive, /^A red fox at dawn, rendered/);
    const sent = t.fake.chatRequests()[0]!;
    const messages = sent.messages as { role: string; content: string }[];
    deepEqual(messages.map((m) => m.role), ["system", "user"]);
    match(messages[0]!.content, /ONE vivid paragraph/);
    match(messages[1]!.content, /^Idea: a red fox at dawn/);
    equal(sent.stream, true);
  } finally {
    await t.close();
  }
});

Deno.test("POST /generate sends temperature, seed and keep_alive to Ollama", async () => {
  const t = await startTestApp();
  try {
    await t.post("/generate", { input: "x", temperature: 0.3, seed: 42, keep_alive: "5m" });
    const sent = t.fake.chatRequests()[0]!;
    deepEqual(sent.options, { temperature: 0.3, seed: 42 });
    equal(sent.keep_alive, "5m");
    equal(sent.think, false, "thinking-capable model gets think:false unless asked");
  } finally {
    await t.close();
  }
});

Deno.test("POST /generate with the same seed and inputs gives the same prompt", async () => {
  const t = await startTestApp();
  try {
    const a = await (await t.post("/generate", { input: "a tower", seed: 7 })).json();
    const b = await (await t.post("/generate", { input: "a tower", seed: 7 })).json();
    const c = await (await t.post("/generate", { input: "a tower", seed: 8 })).json();
    // What makes it reproducible is ours to check: the same messages and seed go upstream.
    const [first, second, third] = t.fake.chatRequests();
    deepEqual(second!.messages, first!.messages);
    equal((first!.options as { seed: number }).seed, 7);
    equal((second!.options as { seed: number }).seed, 7);
    equal((third!.options as { seed: number }).seed, 8);
    equal(a.positive, b.positive);
    ok(a.positive !== c.positive);
  } finally {
    await t.close();
  }
});

const BAD_BODIES: [string, string | unknown, RegExp][] = [
  ["a missing body", "", /no body/],
  ["malformed JSON", "{input:", /not valid JSON/],
  ["a JSON array", "[1]", /JSON object/],
  ["an empty object", {}, /input is required/],
  ["a numeric input", { input: 5 }, /input must be a string, not a number/],
  ["a null input", { input: null }, /input must be a string, not null/],
  ["a blank input", { input: "   " }, /input must not be empty/],
  ["an over-long input", { input: "x".repeat(8001) }, /input is too long: at most 8000/],
  [
    "an unknown target",
    { input: "x", model: "dalle" },
    /model: unknown target "dalle"; use one of flux, .*sdxl, .*pony/,
  ],
  ["an unknown style", { input: "x", style: "Nope" }, /style: unknown preset "Nope"/],
  ["a bad temperature", { input: "x", temperature: 9 }, /temperature/],
  ["a bad ollama_model", { input: "x", ollama_model: "a b" }, /ollama_model/],
];

for (const [what, body, message] of BAD_BODIES) {
  Deno.test(`POST /generate answers 400 for ${what} and calls nothing`, async () => {
    const t = await startTestApp();
    try {
      const res = await t.post("/generate", body);
      equal(res.status, 400);
      const json = await res.json();
      equal(json.status, 400);
      equal(typeof json.error, "string");
      match(json.message, message);
      equal(t.fake.chatRequests().length, 0);
      equal(t.services.history.use().list({ limit: 5 }).total, 0);
    } finally {
      await t.close();
    }
  });
}

Deno.test("POST /generate with dry_run returns the messages without calling Ollama", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/generate", {
      input: "a ship",
      model: "sdxl",
      style: "Cinematic",
      dry_run: true,
    });
    equal(res.status, 200);
    const body = await res.json();
    equal(body.dry_run, true);
    equal(body.messages.length, 2);
    match(body.messages[1].content, /- Style: cinematic film still/);
    deepEqual(body.preset_negatives, ["flat amateur snapshot", "overexposed"]);
    deepEqual(body.dropped_presets, []);
    equal(t.fake.chatRequests().length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("generate returns 503 connection_error when Ollama is down", async () => {
  const t = await startTestApp({ ollamaDown: true });
  try {
    for (const path of ["/generate", "/generate-stream"]) {
      const res = await t.post(path, { input: "a cat" });
      equal(res.status, 503);
      const body = await res.json();
      equal(body.type, "connection_error");
      match(body.message, /ollama serve/);
    }
    equal(t.services.history.use().list({ limit: 5 }).total, 0);
  } finally {
    await t.close();
  }
});

Deno.test("generate returns 404 model_not_found naming the model and the pull command", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/generate", { input: "a cat", ollama_model: "mistral:7b" });
    equal(res.status, 404);
    const body = await res.json();
    equal(body.type, "model_not_found");
    match(body.message, /ollama pull mistral:7b/);
  } finally {
    await t.close();
  }
});

Deno.test("generate returns 502 api_error when the model fails to load", async () => {
  const t = await startTestApp({ fake: { fault: "load-fail" } });
  try {
    const res = await t.post("/generate", { input: "a cat" });
    equal(res.status, 502);
    const body = await res.json();
    equal(body.type, "api_error");
    match(body.message, /llama runner process has terminated/);
  } finally {
    await t.close();
  }
});

Deno.test("generate returns 504 timeout_error when Ollama stays silent", async () => {
  const t = await startTestApp({ fake: { fault: "hang" }, env: { OLLAMA_TIMEOUT: "0.3" } });
  try {
    const res = await t.post("/generate", { input: "a cat" });
    equal(res.status, 504);
    equal((await res.json()).type, "timeout_error");
  } finally {
    await t.close();
  }
});

Deno.test("POST /generate-stream sends token frames then a done frame with both prompts", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/generate-stream", { input: "a cat", model: "sdxl" });
    equal(res.status, 200);
    match(res.headers.get("content-type")!, /^text\/event-stream/);
    const events = await readSse(res);
    const tokens = events.filter((e) => "token" in e).map((e) => e.token).join("");
    const done = events.at(-1)!;
    equal(done.done, true);
    equal(tokens.trim(), done.result);
    match(String(done.positive), /\(a cat:1\.2\)/);
    match(String(done.negative), /jpeg artifacts/);
    equal(typeof done.history_id, "number");
    ok(events.slice(0, -1).every((e) => !("done" in e)));
  } finally {
    await t.close();
  }
});

Deno.test("generate-stream frames are exact data lines", async () => {
  const t = await startTestApp({ fake: { reply: () => "PROMPT: A cat." } });
  try {
    const text = await (await t.post("/generate-stream", { input: "x" })).text();
    ok(
      text.startsWith(
        'data: {"token":"PROMPT: "}\n\ndata: {"token":"A "}\n\ndata: {"token":"cat."}\n\ndata: {"done":true,',
      ),
    );
    ok(text.endsWith("}\n\n"));
  } finally {
    await t.close();
  }
});

Deno.test("a mid-stream Ollama error ends the stream with an error event and saves nothing", async () => {
  const t = await startTestApp({ fake: { fault: "mid-error" } });
  try {
    const events = await readSse(await t.post("/generate-stream", { input: "a cat" }));
    const last = events.at(-1)!;
    equal(last.type, "api_error");
    match(String(last.error), /CUDA out of memory/);
    ok(!events.some((e) => "done" in e));
    equal(t.services.history.use().list({ limit: 5 }).total, 0);
  } finally {
    await t.close();
  }
});

Deno.test("a stream that ends without done is an error, not a result", async () => {
  const t = await startTestApp({ fake: { fault: "truncate" } });
  try {
    const events = await readSse(await t.post("/generate-stream", { input: "a cat" }));
    match(String(events.at(-1)!.error), /ended before the model finished/);
    const res = await t.post("/generate", { input: "a cat" });
    equal(res.status, 502);
    equal(t.services.history.use().list({ limit: 5 }).total, 0);
  } finally {
    await t.close();
  }
});

Deno.test("a malformed NDJSON line is a 502 api_error", async () => {
  const t = await startTestApp({ fake: { fault: "malformed" } });
  try {
    const res = await t.post("/generate", { input: "a cat" });
    equal(res.status, 502);
    match((await res.json()).message, /Malformed line/);
  } finally {
    await t.close();
  }
});

Deno.test("silence mid-stream becomes a timeout error event", async () => {
  const t = await startTestApp({ fake: { fault: "hang-mid" }, env: { OLLAMA_TIMEOUT: "0.3" } });
  try {
    const events = await readSse(await t.post("/generate-stream", { input: "a cat" }));
    equal(events.at(-1)!.type, "timeout_error");
    await waitFor(() => t.fake.openStreams === 0, 2000, "upstream stream to close");
  } finally {
    await t.close();
  }
});

Deno.test("empty chunks and text on the final chunk are kept", async () => {
  for (const fault of ["empty-chunks", "final-text"] as const) {
    const t = await startTestApp({
      fake: { fault, reply: () => "PROMPT: one two three four five six" },
    });
    try {
      const body = await (await t.post("/generate", { input: "x" })).json();
      equal(body.positive, "one two three four five six", fault);
    } finally {
      await t.close();
    }
  }
});

Deno.test("a thinking model's reasoning streams as thinking events and stays out of the result", async () => {
  const t = await startTestApp();
  try {
    const events = await readSse(await t.post("/generate-stream", { input: "a cat", think: true }));
    const thinking = events.filter((e) => "thinking" in e).map((e) => e.thinking).join("");
    match(thinking, /light & mood <carefully>/);
    const done = events.at(-1)!;
    ok(!String(done.result).includes("carefully"));
    ok(!events.filter((e) => "token" in e).some((e) => String(e.token).includes("carefully")));
    equal(t.fake.chatRequests()[0]!.think, true);
    const row = t.services.history.use().get(Number(done.history_id))!;
    ok(!row.generated_output.includes("carefully"));
  } finally {
    await t.close();
  }
});

Deno.test("inline <think> blocks from older servers are stripped from tokens, result and history", async () => {
  const t = await startTestApp();
  try {
    const events = await readSse(
      await t.post("/generate-stream", { input: "a cat", ollama_model: "deepseek-r1:legacy" }),
    );
    const tokens = events.filter((e) => "token" in e).map((e) => e.token).join("");
    ok(!tokens.includes("think>"));
    ok(!tokens.includes("carefully"));
    const done = events.at(-1)!;
    match(String(done.positive), /^A cat, rendered/);
    match(String(done.thinking), /carefully/);
    equal(
      t.fake.chatRequests()[0]!.think,
      undefined,
      "no think field for a model without the capability",
    );
  } finally {
    await t.close();
  }
});

Deno.test("think is never sent to a model without the thinking capability", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/generate", {
      input: "a cat",
      ollama_model: "llama3.2:latest",
      think: true,
    });
    equal(res.status, 200);
    equal(t.fake.chatRequests()[0]!.think, undefined);
  } finally {
    await t.close();
  }
});

Deno.test("a client that disconnects cancels the Ollama request within 100 ms and saves nothing", async () => {
  const t = await startTestApp({ fake: { tokenDelayMs: 50, reply: () => "word ".repeat(200) } });
  const server = serveOnPort(t.app);
  try {
    const ac = new AbortController();
    const res = await fetch(`${server.url}/generate-stream`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: "a cat" }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    await waitFor(() => t.fake.openStreams === 1, 2000, "the upstream stream to open");
    const at = performance.now();
    ac.abort();
    await waitFor(() => t.fake.openStreams === 0, 1000, "the upstream stream to be cancelled");
    const elapsed = performance.now() - at;
    ok(elapsed < 100, `upstream cancelled after ${elapsed.toFixed(1)} ms`);
    equal(t.fake.cancelledStreams, 1);
    await new Promise((r) => setTimeout(r, 100));
    equal(t.services.history.use().list({ limit: 5 }).total, 0);
    equal(t.services.slots.held(), 0);
  } finally {
    await server.close();
    await t.close();
  }
});

Deno.test("out-of-range numbers and lists get a message that says the bound", async () => {
  const t = await startTestApp();
  try {
    const cases: [unknown, RegExp][] = [
      [{ input: "x", seed: -1 }, /^seed must be at least 0; send a larger number$/],
      [{ input: "x", seed: 2 ** 40 }, /^seed must be at most 2147483647; send a smaller number$/],
      [{ input: "x", protect: Array(21).fill("a") }, /^protect has too many items: at most 20$/],
    ];
    for (const [body, message] of cases) {
      const res = await t.post("/generate", body);
      equal(res.status, 400);
      match((await res.json()).message, message);
    }
  } finally {
    await t.close();
  }
});
