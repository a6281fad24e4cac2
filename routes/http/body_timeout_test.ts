import { equal, ok, rejects } from "node:assert/strict";
import { AppError } from "../../lib/app/errors.ts";
import { timedBody } from "./body_timeout.ts";

function dribble(everyMs: number, pieces: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(c) {
      if (sent++ >= pieces) return c.close();
      await new Promise((r) => setTimeout(r, everyMs));
      c.enqueue(new Uint8Array([0x61]));
    },
  });
}

function stalled(): ReadableStream<Uint8Array> {
  let first = true;
  return new ReadableStream({
    pull(c) {
      if (first) {
        first = false;
        c.enqueue(new Uint8Array([0x61]));
      }
      return new Promise(() => {});
    },
  });
}

async function isTimeout(p: Promise<unknown>): Promise<void> {
  await rejects(p, (err) => {
    ok(err instanceof AppError, String(err));
    equal(err.status, 408);
    equal(err.type, "request_timeout");
    return true;
  });
}

Deno.test("a body that stops arriving ends with a 408 after the idle time", async () => {
  const t0 = performance.now();
  await isTimeout(new Response(timedBody(stalled(), { idleMs: 100, totalMs: 10_000 })).text());
  const took = performance.now() - t0;
  ok(took >= 90 && took < 1000, `${took} ms`);
});

Deno.test("a body dribbled within the idle time is still cut off at the total time", async () => {
  const t0 = performance.now();
  await isTimeout(
    new Response(timedBody(dribble(20, 1000), { idleMs: 100, totalMs: 300 })).text(),
  );
  ok(performance.now() - t0 < 1500);
});

Deno.test("a body that keeps coming in time arrives whole", async () => {
  const text = await new Response(timedBody(dribble(5, 20), { idleMs: 200, totalMs: 5000 }))
    .text();
  equal(text, "a".repeat(20));
});

Deno.test("time the route spends between reads is not the client's: a slow reader gets the whole body", async () => {
  const body = timedBody(dribble(1, 5), { idleMs: 60, totalMs: 5000 });
  const reader = body.getReader();
  let text = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    // The route is busy for longer than the idle time before it reads on.
    await new Promise((r) => setTimeout(r, 120));
  }
  equal(text, "a".repeat(5));
});

/** Counts pending timers (Deno 2.9.6's test sanitizer does not report a pending timer). */
function trackTimers(): { pending: Set<unknown>; restore(): void } {
  const pending = new Set<unknown>();
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const track = (fn: () => void, ms?: number) => {
    const id: unknown = realSet(() => {
      pending.delete(id);
      fn();
    }, ms);
    pending.add(id);
    return id;
  };
  Object.assign(globalThis, {
    setTimeout: track,
    clearTimeout: (id?: number) => {
      pending.delete(id);
      realClear(id);
    },
  });
  return {
    pending,
    restore() {
      Object.assign(globalThis, { setTimeout: realSet, clearTimeout: realClear });
      for (const id of pending) realClear(id as number);
    },
  };
}

Deno.test("a body nobody reads to its end (the route answered first) keeps no timer once a piece has come", async () => {
  const timers = trackTimers();
  try {
    // The client sends one piece and more are on their way; the stream pulls that piece itself.
    const unread = timedBody(
      new ReadableStream({ start: (c) => c.enqueue(new Uint8Array(1024)) }),
      { idleMs: 10_000, totalMs: 200_000 },
    );
    // A route that reads one piece and gives up (as a size limit does).
    let n = 0;
    const reader = timedBody(
      new ReadableStream<Uint8Array>({
        pull: (c) => {
          if (n++ < 3) c.enqueue(new Uint8Array(1024));
        },
      }),
      { idleMs: 10_000, totalMs: 200_000 },
    ).getReader();
    await reader.read();
    reader.releaseLock();
    await new Promise((r) => setTimeout(r, 20));
    equal(unread.locked, false);
    equal(timers.pending.size, 0, "no timer left waiting for a client nobody reads from");
  } finally {
    timers.restore();
  }
});

Deno.test("a body whose client goes away half-way fails with a 400 that says it was cut off", async () => {
  let sent = false;
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent) return c.error(new Deno.errors.BadResource("Cannot read body"));
      sent = true;
      c.enqueue(new Uint8Array([0x61]));
    },
  });
  await rejects(
    new Response(timedBody(source, { idleMs: 1000, totalMs: 5000 })).text(),
    (err) => {
      ok(err instanceof AppError, String(err));
      equal(err.status, 400);
      ok(err.message.includes("cut off"), err.message);
      return true;
    },
  );
});
