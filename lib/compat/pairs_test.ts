import assert from "node:assert/strict";
import type { GenerationResult } from "../generate/generation.ts";
import { PairCache } from "./pairs.ts";

const result = { positive: "p", negative: "n" } as GenerationResult;

Deno.test("the other output takes a generation once; the same output asking again does not", async () => {
  const pairs = new PairCache();
  const pending = pairs.start("k", "positive");
  assert.equal(pairs.take("k", "positive"), null);
  const waiting = pairs.take("k", "negative");
  assert.ok(waiting);
  pending.resolve(result);
  assert.equal(await waiting, result);
  assert.equal(pairs.take("k", "negative"), null);
  assert.equal(pairs.size, 0);
});

Deno.test("a failed generation leaves nothing to take, and its waiter is told", async () => {
  const pairs = new PairCache();
  const pending = pairs.start("k", "negative");
  const waiting = pairs.take("k", "positive")!;
  pending.fail();
  await assert.rejects(waiting);
  assert.equal(pairs.take("k", "positive"), null);
  pending.resolve(result); // too late: ignored
});

Deno.test("results expire, and the oldest go first when too many wait", () => {
  let now = 0;
  const pairs = new PairCache({ ttlMs: 1000, max: 2, now: () => now });
  pairs.start("a", "positive").resolve(result);
  now = 1500;
  assert.equal(pairs.take("a", "negative"), null);
  pairs.start("b", "positive");
  pairs.start("c", "positive");
  pairs.start("d", "positive");
  assert.equal(pairs.take("b", "negative"), null);
  assert.ok(pairs.take("d", "negative"));
});
