import { equal, match, ok } from "node:assert/strict";
import { readSse, startTestApp } from "./helpers.ts";

Deno.test("engine composer answers without calling Ollama and records the engine", async () => {
  // Ollama is up, so the empty request log below means the composer really did not call it.
  const t = await startTestApp();
  try {
    const res = await t.post("/generate", {
      input: "a lighthouse",
      model: "sdxl",
      engine: "composer",
      lighting: "Moonlight",
    });
    equal(res.status, 200);
    const body = await res.json();
    equal(body.engine, "composer");
    equal(body.ollama_model, null);
    match(body.positive, /\(lighthouse:1\.2\), cold moonlight/);
    match(body.negative, /lowres/);
    const row = t.services.history.use().get(body.history_id)!;
    equal(row.engine, "composer");
    equal(row.ollama_model, null);
    equal(t.fake.requests.length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("generate keeps returning 503 when Ollama is down unless fallback composer is asked", async () => {
  const t = await startTestApp({ ollamaDown: true });
  try {
    equal((await t.post("/generate", { input: "a lighthouse" })).status, 503);
    const res = await t.post("/generate", { input: "a lighthouse", fallback: "composer" });
    equal(res.status, 200);
    const body = await res.json();
    equal(body.engine, "composer");
    match(body.fallback_reason, /Cannot connect to Ollama/);
    equal(body.positive, "A lighthouse.");
  } finally {
    await t.close();
  }
});

Deno.test("generate-stream with fallback composer streams the composed prompt", async () => {
  const t = await startTestApp({ ollamaDown: true });
  try {
    const events = await readSse(
      await t.post("/generate-stream", {
        input: "a lighthouse",
        fallback: "composer",
        model: "sdxl",
      }),
    );
    const done = events.at(-1)!;
    equal(done.engine, "composer");
    ok(events.some((e) => "token" in e));
    equal(typeof done.history_id, "number");
  } finally {
    await t.close();
  }
});

Deno.test("fallback does not hide other upstream failures", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/generate", {
      input: "x",
      ollama_model: "nope:1b",
      fallback: "composer",
    });
    equal(res.status, 404);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("wildcards in the idea expand before the LLM call, the same way for the same seed", async () => {
  const t = await startTestApp();
  try {
    await t.post("/generate", { input: "a __color__ {kite|balloon}", seed: 5 });
    await t.post("/generate", { input: "a __color__ {kite|balloon}", seed: 5 });
    const [a, b] = t.fake.chatRequests().map((r) =>
      (r.messages as { content: string }[])[1]!.content
    );
    equal(a, b);
    ok(!a!.includes("__") && !a!.includes("{"));
    const bad = await t.post("/generate", { input: "a __nosuchlist__" });
    equal(bad.status, 400);
    match((await bad.json()).message, /input: unknown wildcard __nosuchlist__/);
  } finally {
    await t.close();
  }
});

Deno.test("a foreign idea: the LLM is asked for English, the composer keeps the words and says so", async () => {
  const t = await startTestApp();
  try {
    const plan = await (await t.post("/generate", {
      input: "ein roter Fuchs im Schnee",
      model: "sdxl",
      dry_run: true,
    })).json();
    match(plan.messages[0].content, /in English whatever language the idea is in/);
    match(plan.messages[1].content, /^Idea: ein roter Fuchs im Schnee/);
    const composed = await (await t.post("/generate", {
      input: "ein roter Fuchs im Schnee",
      model: "sdxl",
      engine: "composer",
    })).json();
    match(composed.positive, /ein roter Fuchs im Schnee/);
    match(composed.notes, /cannot translate/);
    equal(
      (await (await t.post("/generate", { input: "a red fox", engine: "composer" })).json()).notes,
      null,
    );
  } finally {
    await t.close();
  }
});
