import { equal, ok } from "node:assert/strict";
import { RunRegistry } from "./runs.ts";

Deno.test("at most maxRuns page runs are kept: finished ones go first, then the oldest running", async () => {
  const runs = new RunRegistry({ maxRuns: 50 });
  for (let i = 0; i < 3000; i++) runs.create(() => Promise.resolve());
  await new Promise((r) => setTimeout(r, 0));
  ok(runs.size <= 50, `${runs.size} kept`);

  const hanging = new RunRegistry({ maxRuns: 50 });
  const first = hanging.create((signal) =>
    new Promise((resolve) => signal.addEventListener("abort", () => resolve()))
  );
  for (let i = 0; i < 3000; i++) {
    hanging.create((signal) =>
      new Promise((resolve) => signal.addEventListener("abort", () => resolve()))
    );
  }
  ok(hanging.size <= 50, `${hanging.size} kept`);
  equal(first.controller.signal.aborted, true, "the oldest running run was stopped");
  equal(hanging.get(first.id), undefined);
  hanging.stopAll();
});

Deno.test("the default keeps at most 500 runs", () => {
  const runs = new RunRegistry();
  for (let i = 0; i < 3000; i++) {
    runs.create((signal) =>
      new Promise((resolve) => signal.addEventListener("abort", () => resolve()))
    );
  }
  ok(runs.size <= 500, `${runs.size} kept`);
  runs.stopAll();
});
