import { deepEqual, equal, ok } from "node:assert/strict";
import { boundedState, MAX_TEXT, PAGE_STATE_TTL_MS, PageStateStore } from "./page_state.ts";

/** Two session ids as we issue them. */
const A = "a".repeat(22);
const B = "b".repeat(22);

Deno.test("a session's page state is kept and read back; another session sees nothing", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new PageStateStore(kv);
    await store.update(A, (s) => {
      s.form = [["model", "sdxl"], ["style", "Watercolor"]];
      s.drafts.oneshot = "a fox";
      s.last = { history_id: 3 };
    });
    const got = await store.get(A);
    deepEqual(got.form, [["model", "sdxl"], ["style", "Watercolor"]]);
    equal(got.drafts.oneshot, "a fox");
    deepEqual(got.last, { history_id: 3 });
    deepEqual((await store.get(B)).form, []);
    deepEqual((await store.get(null)).drafts, {});
  } finally {
    kv.close();
  }
});

Deno.test("a page state unused for longer than its lifetime starts afresh", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    let now = 1_000;
    const store = new PageStateStore(kv, { now: () => now });
    await store.update(A, (s) => void (s.drafts.chat = "hello"));
    now += PAGE_STATE_TTL_MS + 1;
    equal((await store.get(A)).drafts.chat, undefined);
  } finally {
    kv.close();
  }
});

Deno.test("whatever a client sends, a page state fits in KV", async () => {
  // Two-byte characters: KV's 64 KiB limit counts the serialised value.
  const huge = "ж".repeat(100_000);
  const state = boundedState({
    form: Array.from({ length: 5000 }, (_, i) => [`f${i}`, huge.slice(0, 150)] as [string, string])
      .concat([[huge, "v"], ["k", huge]]),
    drafts: { oneshot: huge, chat: huge, batch: huge },
    last: { stopped: huge, target: "flux", ollama_model: null },
    updatedAt: 0,
  });
  equal(state.drafts.oneshot!.length, MAX_TEXT);
  ok(!state.form.some(([k, v]) => k === huge || v === huge));
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new PageStateStore(kv);
    await store.update(A, (s) => Object.assign(s, state));
    equal((await store.get(A)).drafts.batch!.length, MAX_TEXT);
  } finally {
    kv.close();
  }
});
