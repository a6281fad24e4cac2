import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { TurnQueue } from "./turn_queue.ts";

Deno.test("a second turn of the same conversation waits until the first releases", async () => {
  const queue = new TurnQueue();
  const order: string[] = [];
  const first = await queue.enter("s:chat");
  const second = queue.enter("s:chat").then((release) => {
    order.push("second");
    return release;
  });
  await new Promise((r) => setTimeout(r, 10));
  equal(order.length, 0, "the second turn is still waiting");
  order.push("first done");
  first();
  (await second)();
  deepEqual(order, ["first done", "second"]);
  equal(queue.busy, 0);
});

Deno.test("turns of different conversations do not wait for each other", async () => {
  const queue = new TurnQueue();
  const a = await queue.enter("a:chat");
  const b = await queue.enter("b:chat");
  a();
  b();
  equal(queue.busy, 0);
});

Deno.test("a turn that gives up while waiting leaves the queue moving", async () => {
  const queue = new TurnQueue();
  const first = await queue.enter("s:chat");
  const ac = new AbortController();
  const waiting = queue.enter("s:chat", ac.signal);
  const third = queue.enter("s:chat");
  ac.abort(new DOMException("gone", "AbortError"));
  await rejects(waiting, { name: "AbortError" });
  first();
  (await third)();
  equal(queue.busy, 0);
});

Deno.test("a turn that never releases frees its conversation after the longest hold", async () => {
  const queue = new TurnQueue({ maxHoldMs: 20 });
  await queue.enter("s:chat");
  // The hold timer does not keep the process alive; this one keeps the test's loop running.
  const alive = setTimeout(() => {}, 5000);
  const started = Date.now();
  const next = await queue.enter("s:chat");
  clearTimeout(alive);
  ok(Date.now() - started >= 15, "it waited for the hold to run out");
  next();
  equal(queue.busy, 0);
});
