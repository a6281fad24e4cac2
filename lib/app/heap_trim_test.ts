import { equal } from "node:assert/strict";
import { HeapTrimmer, mallocTrim } from "./heap_trim.ts";
import { GenerationSlots } from "./slots.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("the heap is trimmed once generations have been quiet for the delay, not while busy", async () => {
  let trims = 0;
  const trimmer = new HeapTrimmer({ delayMs: 30, trim: () => (trims++, true) });
  const slots = new GenerationSlots({
    perKey: 4,
    onBusy: () => trimmer.busy(),
    onQuiet: () => trimmer.quiet(),
  });
  const who = { key: "k", address: "a" };
  const a = slots.acquire(who);
  const b = slots.acquire(who);
  a.release();
  await sleep(60);
  equal(trims, 0, "one generation still runs");
  b.release();
  // Work starts again at once: the trim the quiet scheduled is called off.
  const c = slots.acquire(who);
  await sleep(60);
  equal(trims, 0, "work started again before the delay ran out");
  c.release();
  await sleep(60);
  equal(trims, 1, "trimmed once after the last one ended");
  await sleep(60);
  equal(trims, 1, "and not again without new work");
  trimmer.close();
});

Deno.test("a trimmer that cannot trim stops trying; a closed one never trims", async () => {
  let calls = 0;
  const failing = new HeapTrimmer({ delayMs: 5, trim: () => (calls++, false) });
  failing.quiet();
  await sleep(30);
  failing.quiet();
  await sleep(30);
  equal(calls, 1);
  let closedCalls = 0;
  const closed = new HeapTrimmer({ delayMs: 5, trim: () => (closedCalls++, true) });
  closed.quiet();
  closed.close();
  await sleep(30);
  equal(closedCalls, 0);
});

Deno.test("mallocTrim finds malloc_trim where glibc and FFI allow it, and does nothing elsewhere", () => {
  const glibc = (() => {
    try {
      return Deno.readTextFileSync("/proc/self/maps").includes("/libc.so.6");
    } catch {
      return false;
    }
  })();
  const expected = Deno.build.os === "linux" && glibc &&
    Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  equal(mallocTrim(), expected);
});
