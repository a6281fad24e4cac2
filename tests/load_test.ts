import { equal, ok } from "node:assert/strict";
import { serveOnPort, startTestApp } from "./helpers.ts";

const gc = (globalThis as { gc?: () => void }).gc;

async function settle(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  return Deno.memoryUsage().heapUsed;
}

async function streamOne(url: string, i: number): Promise<void> {
  const res = await fetch(`${url}/generate-stream`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      input: `load test idea number ${i}`,
      seed: i,
      model: i % 2 ? "sdxl" : "flux",
    }),
  });
  equal(res.status, 200);
  const text = await res.text();
  const events = text.split("\n\n").filter(Boolean).map((f) => JSON.parse(f.slice(6)));
  const done = events.at(-1)!;
  equal(done.done, true, `stream ${i} finished`);
  const tokens = events.filter((e) => "token" in e).map((e) => e.token).join("");
  equal(tokens.trim(), done.result, `stream ${i}: every token arrived, in order`);
  ok(done.result.includes(`variant ${i % 97}`), `stream ${i} got its own reply`);
}

Deno.test({
  name: "load: 200 concurrent streamed generations all complete in order, and memory comes back",
  sanitizeResources: false,
  async fn() {
    const t = await startTestApp({
      fake: { tokenDelayMs: 2 },
      env: { MAX_GENERATIONS_PER_CLIENT: "500" },
    });
    const server = serveOnPort(t.app);
    try {
      await Promise.all(Array.from({ length: 40 }, (_, i) => streamOne(server.url, 1000 + i)));
      const before = await settle();
      await Promise.all(Array.from({ length: 200 }, (_, i) => streamOne(server.url, i)));
      equal(t.services.history.use().list({ limit: 1 }).total, 240);
      equal(t.services.slots.held(), 0);
      equal(t.fake.openStreams, 0);
      // They were really concurrent: most of them were open upstream at the same moment.
      ok(t.fake.peakStreams >= 150, `at most ${t.fake.peakStreams} streams were open at once`);
      const after = await settle();
      ok(gc, "run with --v8-flags=--expose-gc (deno task test does)");
      ok(
        after <= before * 1.1,
        `heap ${(before / 1e6).toFixed(1)} MB before, ${(after / 1e6).toFixed(1)} MB after`,
      );
    } finally {
      await server.close();
      await t.close();
    }
  },
});
