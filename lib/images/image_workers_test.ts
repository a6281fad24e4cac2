import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { imageError } from "../../tests/support/image_errors.ts";
import { gradient, makePng, textChunk } from "../../tests/support/png_writer.ts";
import { AppError } from "../app/errors.ts";
import { ImageWorkers } from "./image_workers.ts";

const TEST_WORKER = new URL("../../tests/support/test_image_worker.ts", import.meta.url);
const answer = Uint8Array.of(0);
const never = Uint8Array.of(1);
const crash = Uint8Array.of(2);
const slow = Uint8Array.of(3);

function errorOf(status: number, type: string) {
  return (e: unknown) => e instanceof AppError && e.status === status && e.type === type;
}

Deno.test("the image worker reads, scales and thumbnails an upload off the main thread", async () => {
  const pool = new ImageWorkers();
  try {
    const png = makePng(1600, 200, [
      textChunk("parameters", "a fox\nSteps: 20, Seed: 7, Sampler: Euler"),
    ], gradient(1600, 200));
    const out = await pool.prepare(png, { prompt: true, vision: true, thumbnail: true });
    deepEqual(out.kind, { format: "png", mime: "image/png", width: 1600, height: 200 });
    equal(out.bytes, png.length);
    equal(out.prompt?.source, "a1111");
    equal(out.prompt?.source === "a1111" && out.prompt.positive, "a fox");
    deepEqual([out.vision?.mime, out.vision?.width, out.vision?.height], ["image/jpeg", 1536, 192]);
    ok(out.vision!.bytes instanceof Uint8Array && out.vision!.bytes.length > 1000);
    deepEqual([out.thumbnail?.width, out.thumbnail?.height], [256, 32]);
    equal(pool.running, 0);
  } finally {
    pool.close();
  }
});

Deno.test("a bad upload comes back from the worker as the same 400, and the worker is kept", async () => {
  const pool = new ImageWorkers();
  try {
    await rejects(
      pool.prepare(new TextEncoder().encode("GIF89a....."), { vision: true }),
      imageError(/GIF/),
    );
    await rejects(
      pool.prepare(makePng(8, 8).subarray(0, 40), { prompt: true, metadataRequired: true }),
      imageError(/cut short/),
    );
    equal(pool.started, 1, "one worker served both jobs");
    equal(pool.workers, 1);
  } finally {
    pool.close();
  }
  equal(pool.workers, 0, "close() ends idle workers");
});

Deno.test("idle workers are reused, then ended after idleMs", async () => {
  const pool = new ImageWorkers({ workerUrl: TEST_WORKER, idleMs: 50 });
  try {
    await pool.prepare(answer, {});
    await pool.prepare(answer, {});
    equal(pool.started, 1);
    equal(pool.workers, 1);
    await new Promise((r) => setTimeout(r, 120));
    equal(pool.workers, 0);
    await pool.prepare(answer, {});
    equal(pool.started, 2);
  } finally {
    pool.close();
  }
});

Deno.test("at most `concurrency` jobs run at once; more wait; past maxWaiting it is a 503", async () => {
  const pool = new ImageWorkers({ workerUrl: TEST_WORKER, concurrency: 2, maxWaiting: 1 });
  try {
    const jobs = [pool.prepare(slow, {}), pool.prepare(slow, {}), pool.prepare(slow, {})];
    equal(pool.running, 2);
    await rejects(
      pool.prepare(slow, {}),
      (e: unknown) =>
        errorOf(503, "images_busy")(e) && (e as AppError).headers["Retry-After"] === "5",
    );
    await Promise.all(jobs);
    equal(pool.running, 0);
    ok(pool.started <= 2, `${pool.started} workers for three jobs two at a time`);
  } finally {
    pool.close();
  }
});

Deno.test("a job that takes too long ends its worker with a 503; a crash is a 500", async () => {
  const pool = new ImageWorkers({ workerUrl: TEST_WORKER, timeoutMs: 100 });
  try {
    await rejects(pool.prepare(never, {}), errorOf(503, "image_timeout"));
    equal(pool.workers, 0, "the stuck worker was ended");
    await rejects(pool.prepare(crash, {}), errorOf(500, "image_worker_error"));
    equal(pool.workers, 0, "the crashed worker was ended");
    await pool.prepare(answer, {});
    equal(pool.running, 0);
  } finally {
    pool.close();
  }
});

Deno.test("cancelling a job ends its worker, and a waiting job leaves the queue", async () => {
  const pool = new ImageWorkers({ workerUrl: TEST_WORKER, concurrency: 1 });
  try {
    const first = new AbortController();
    const second = new AbortController();
    const a = pool.prepare(never, {}, first.signal);
    const b = pool.prepare(answer, {}, second.signal);
    second.abort();
    await rejects(b, (e: unknown) => e instanceof DOMException && e.name === "AbortError");
    first.abort();
    await rejects(a, (e: unknown) => e instanceof DOMException && e.name === "AbortError");
    equal(pool.workers, 0);
    equal(pool.running, 0);
    await pool.prepare(answer, {});
  } finally {
    pool.close();
  }
});

Deno.test("the server's event loop keeps running while a large picture is decoded", async () => {
  const pool = new ImageWorkers();
  try {
    await pool.prepare(makePng(2, 2), { thumbnail: true }); // the worker starts outside the measure
    const px = gradient(1600, 1200);
    for (let i = 0; i < px.length; i += 7) px[i] = (i * 31) & 255; // noise, so it is not trivial
    const png = makePng(1600, 1200, [], px);
    let longest = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    const started = performance.now();
    await pool.prepare(png, { prompt: true, vision: true, thumbnail: true });
    const took = performance.now() - started;
    await new Promise((r) => setTimeout(r, 10));
    clearInterval(ticker);
    // In process, the longest pause is the whole decode; in the worker, a small part of it.
    ok(longest < took * 0.5, `longest pause ${Math.round(longest)} ms of ${Math.round(took)} ms`);
  } finally {
    pool.close();
  }
});

Deno.test("closing the pool ends jobs in progress with a 503 that says why", async () => {
  const pool = new ImageWorkers({ workerUrl: TEST_WORKER });
  const job = pool.prepare(never, {});
  await new Promise((r) => setTimeout(r, 50));
  pool.close();
  await rejects(job, errorOf(503, "shutdown"));
  equal(pool.workers, 0);
  await rejects(pool.prepare(answer, {}), errorOf(503, "shutdown"));
  equal(pool.started, 1, "no worker starts after close");
});
