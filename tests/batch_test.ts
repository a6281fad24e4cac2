import { deepEqual, equal, match, ok } from "node:assert/strict";
import { readSse, serveOnPort, startTestApp } from "./helpers.ts";

Deno.test("batch: inputs run one at a time by default and stream {index, total, result}", async () => {
  const t = await startTestApp({ fake: { tokenDelayMs: 2 } });
  try {
    const events = await readSse(
      await t.post("/generate-batch", { inputs: ["a fox", "a heron", "a wolf"], model: "sdxl" }),
    );
    equal(events[0]!.total, 3);
    const items = events.filter((e) => "index" in e);
    deepEqual(items.map((e) => e.index), [0, 1, 2]);
    for (const [i, e] of items.entries()) {
      equal(e.total, 3);
      match(
        String((e.result as { positive: string }).positive),
        new RegExp(["fox", "heron", "wolf"][i]!),
      );
    }
    const done = events.at(-1)!;
    deepEqual({ done: done.done, succeeded: done.succeeded, failed: done.failed }, {
      done: true,
      succeeded: 3,
      failed: 0,
    });
    equal(t.fake.peakStreams, 1, "default concurrency is 1, to spare the GPU");
    equal(t.services.history.use().list({ limit: 10, mode: "batch" }).total, 3);
  } finally {
    await t.close();
  }
});

Deno.test("batch: concurrency is bounded by the request", async () => {
  const t = await startTestApp({ fake: { tokenDelayMs: 5 } });
  try {
    await readSse(
      await t.post("/generate-batch", { input: "a fox", variations: 8, concurrency: 3 }),
    );
    equal(t.fake.peakStreams, 3);
  } finally {
    await t.close();
  }
});

Deno.test("batch: variations use consecutive seeds, so the same seed gives the same set", async () => {
  const t = await startTestApp();
  try {
    const run = async () =>
      (await readSse(await t.post("/generate-batch", { input: "a kite", variations: 3, seed: 40 })))
        .filter((e) => "result" in e).map((e) => e.result as { positive: string; seed: number });
    const a = await run();
    deepEqual(a.map((r) => r.seed), [40, 41, 42]);
    equal(new Set(a.map((r) => r.positive)).size, 3, "each variation differs");
    deepEqual((await run()).map((r) => r.positive), a.map((r) => r.positive));
  } finally {
    await t.close();
  }
});

Deno.test("batch: a sweep runs every combination, and an unknown preset fails before anything runs", async () => {
  const t = await startTestApp();
  try {
    const events = await readSse(
      await t.post("/generate-batch", {
        input: "a harbour",
        engine: "composer",
        model: "sdxl",
        sweep: {
          lighting: ["Golden Hour", "Moonlight"],
          style: ["Watercolor", "Anime", "Cinematic"],
        },
      }),
    );
    const items = events.filter((e) => "result" in e);
    equal(items.length, 6);
    ok(items.some((e) => e.label === "lighting=Moonlight, style=Anime"));
    const bad = await t.post("/generate-batch", {
      input: "x",
      sweep: { lighting: ["Golden Hour", "Nope"] },
    });
    equal(bad.status, 400);
    match((await bad.json()).message, /lighting: unknown preset "Nope"/);
    const tooMany = await t.post("/generate-batch", { input: "x", variations: 51 });
    equal(tooMany.status, 400);
    equal((await t.post("/generate-batch", { inputs: [] })).status, 400);
    equal(t.fake.chatRequests().length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("batch: a failed item is reported and the others are kept", async () => {
  const t = await startTestApp({ fake: { failWhen: (m) => m.at(-1)!.content.includes("cursed") } });
  try {
    const events = await readSse(
      await t.post("/generate-batch", { inputs: ["a fox", "a cursed idol", "a wolf"] }),
    );
    const failed = events.find((e) => e.index === 1)!;
    equal((failed.error as { type: string }).type, "api_error");
    match((failed.error as { message: string }).message, /model runner crashed/);
    const done = events.at(-1)!;
    equal(done.succeeded, 2);
    equal(done.failed, 1);
    equal(t.services.history.use().list({ limit: 10 }).total, 2);
  } finally {
    await t.close();
  }
});

Deno.test("batch: cancel stops the rest; results export as TXT and JSONL", async () => {
  const t = await startTestApp({ fake: { tokenDelayMs: 20 } });
  const server = serveOnPort(t.app);
  try {
    const res = await fetch(`${server.url}/generate-batch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: "a lantern", variations: 10 }),
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes('"index"')) text += (await reader.read()).value;
    const id = JSON.parse(text.split("\n\n")[0]!.slice(6)).batch_id;
    const cancel = await fetch(`${server.url}/api/batches/${id}/cancel`, { method: "POST" });
    equal((await cancel.json()).status, "cancelled");
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const last = JSON.parse(text.trim().split("\n\n").at(-1)!.slice(6));
    equal(last.cancelled, true);
    ok(last.succeeded < 10, `${last.succeeded} finished before the cancel`);
    const txt = await (await fetch(`${server.url}/api/batches/${id}/export?format=txt`)).text();
    equal(txt.trim().split("\n").length, last.succeeded);
    const jsonl = await (await fetch(`${server.url}/api/batches/${id}/export?format=jsonl`)).text();
    equal(jsonl.trim().split("\n").length, last.succeeded + last.failed);
    JSON.parse(jsonl.trim().split("\n")[0]!);
    equal((await fetch(`${server.url}/api/batches/nope/export`)).status, 404);
  } finally {
    await server.close();
    await t.close();
  }
});
