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

Deno.test("a body read to its end leaves no timer behind", async () => {
  // Deno's test sanitizer fails this test if a timer is still pending when it ends.
  equal(
    await new Response(timedBody(dribble(1, 3), { idleMs: 10_000, totalMs: 60_000 })).text(),
    "aaa",
  );
});
