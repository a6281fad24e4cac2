import { equal, match, ok } from "node:assert/strict";
import { readSse, startTestApp, type TestApp } from "./helpers.ts";
import type { DatabaseSync } from "node:sqlite";
import { ConversationStore } from "../lib/chat/conversations.ts";
import { makePng } from "./support/png_writer.ts";

/**
 * Fills the history database as a full disk would: no page can be added (SQLITE_FULL), and the
 * pages there are packed with rows down to one character, so no real entry fits any more.
 */
function fillDisk(t: TestApp): () => void {
  const db: DatabaseSync = t.services.history.peek()!.db;
  const pages = (db.prepare("PRAGMA page_count").get() as { page_count: number }).page_count;
  db.exec(`PRAGMA max_page_count = ${pages}`);
  const insert = db.prepare(
    `INSERT INTO prompt_history (timestamp, user_input, generated_output, model, mode, fingerprint)
     VALUES ('2020-01-01T00:00:00.000Z', ?, '', 'f', 'oneshot', ?)`,
  );
  for (const size of [2000, 200, 20, 1]) {
    try {
      for (let i = 0; i < 100_000; i++) insert.run("x".repeat(size), String(i));
    } catch {
      // Full at this size; smaller rows fill what is left.
    }
  }
  return () => db.exec("PRAGMA max_page_count = 1073741823");
}

/** A conversation store on a full disk: every turn fails as Deno KV fails there. */
class FullConversations extends ConversationStore {
  override appendTurn(): Promise<void> {
    return Promise.reject(new Error("database or disk is full"));
  }
}

function isStorageFullBody(body: Record<string, unknown>): void {
  equal(body.status, 507);
  equal(body.type, "storage_full");
  equal(body.error, "Storage full");
  match(String(body.message), /disk is full/);
}

Deno.test("a full disk: /generate answers 507 storage_full and still gives the prompt", async () => {
  const t = await startTestApp();
  try {
    fillDisk(t);
    for (const engine of ["composer", "ollama"]) {
      const res = await t.post("/generate", { input: "a lighthouse", engine });
      equal(res.status, 507, engine);
      const body = await res.json();
      isStorageFullBody(body);
      equal(body.history_id, null);
      ok(body.positive.length > 0, "the prompt the user waited for is in the reply");
    }
  } finally {
    await t.close();
  }
});

Deno.test("a full disk: /generate-stream ends with a storage_full error after the prompt", async () => {
  const t = await startTestApp();
  try {
    fillDisk(t);
    const res = await t.post("/generate-stream", { input: "a lighthouse" });
    equal(res.status, 200);
    const events = await readSse(res);
    const done = events.find((e) => e.done)!;
    equal(done.history_id, null);
    equal((done.not_saved as { type: string }).type, "storage_full");
    const last = events.at(-1)!;
    equal(last.type, "storage_full");
    match(String(last.error), /disk is full/);
  } finally {
    await t.close();
  }
});

Deno.test("a full disk: a chat turn that cannot be saved says so (/chat 507, /chat-stream error)", async () => {
  const t = await startTestApp();
  try {
    (t.services as { conversations: ConversationStore }).conversations = new FullConversations(
      await Deno.openKv(":memory:"),
    );
    const once = await t.post("/chat", { message: "a fox" });
    equal(once.status, 507);
    const body = await once.json();
    isStorageFullBody(body);
    match(body.message, /chat turn was not saved/);
    ok(body.result.length > 0, "the reply is not lost");

    const stream = await t.post("/chat-stream", { message: "a fox" });
    equal(stream.status, 200);
    const events = await readSse(stream);
    ok(events.some((e) => e.done), "the reply arrives");
    equal(events.at(-1)!.type, "storage_full");
    ok(!events.some((e) => e.type === "unexpected_error"));
  } finally {
    await t.close();
  }
});

Deno.test("a full disk: an import reports the real cause and leaves nothing", async () => {
  const t = await startTestApp();
  try {
    const entries = Array.from({ length: 300 }, (_, i) => ({
      timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
      user_input: `imported idea ${i} ${"words ".repeat(50)}`,
      generated_output: `prompt ${i} ${"more words ".repeat(50)}`,
      model: "flux",
      mode: "oneshot",
    }));
    const db = t.services.history.peek()!.db;
    const pages = (db.prepare("PRAGMA page_count").get() as { page_count: number }).page_count;
    db.exec(`PRAGMA max_page_count = ${pages + 20}`);
    const before = (await (await t.request("/history")).json()).total;
    const res = await t.post("/history/import", { entries });
    const body = await res.json();
    equal(res.status, 507, JSON.stringify(body));
    isStorageFullBody(body);
    ok(!/rollback/.test(body.message));
    equal((await (await t.request("/history")).json()).total, before, "all or nothing");
  } finally {
    await t.close();
  }
});

Deno.test("a full disk: /healthz says history storage is full, and ok once space is back", async () => {
  const t = await startTestApp();
  try {
    equal((await (await t.request("/healthz")).json()).history, "ok");
    const free = fillDisk(t);
    await (await t.post("/generate", { input: "a", engine: "composer" })).body?.cancel();
    equal((await (await t.request("/healthz")).json()).history, "storage_full");
    free();
    equal((await t.post("/generate", { input: "b", engine: "composer" })).status, 200);
    equal((await (await t.request("/healthz")).json()).history, "ok");
  } finally {
    await t.close();
  }
});

Deno.test("a full disk: the page says the prompt was not saved instead of dropping Saved", async () => {
  const t = await startTestApp();
  try {
    fillDisk(t);
    const form = { "content-type": "application/x-www-form-urlencoded", "HX-Request": "true" };
    const quick = await t.request("/ui/generate", {
      method: "POST",
      headers: form,
      body: new URLSearchParams({ input: "a lighthouse", engine: "composer" }).toString(),
    });
    const html = await quick.text();
    match(html, /not saved: the disk is full/);
    ok(!/Saved #/.test(html));

    const streamed = await t.request("/ui/generate", {
      method: "POST",
      headers: form,
      body: new URLSearchParams({ input: "a lighthouse" }).toString(),
    });
    const runId = (await streamed.text()).match(/\/ui\/runs\/([^/]+)\/stream/)![1]!;
    const events = await (await t.request(`/ui/runs/${runId}/stream`)).text();
    match(events, /not saved: the disk is full/);
  } finally {
    await t.close();
  }
});

Deno.test("a full disk: the chat page says the turn was not saved and shows the reply", async () => {
  const t = await startTestApp({ fake: { reply: () => "a red fox in the snow" } });
  try {
    (t.services as { conversations: ConversationStore }).conversations = new FullConversations(
      await Deno.openKv(":memory:"),
    );
    const form = { "content-type": "application/x-www-form-urlencoded", "HX-Request": "true" };
    const res = await t.request("/ui/chat", {
      method: "POST",
      headers: form,
      body: new URLSearchParams({ input: "a fox", mode: "chat" }).toString(),
    });
    const runId = (await res.text()).match(/\/ui\/runs\/([^/]+)\/stream/)![1]!;
    const events = await (await t.request(`/ui/runs/${runId}/stream`)).text();
    match(events, /not saved: the disk is full/);
    match(events, /chat turn was not saved/);
    match(events, /a red fox in the snow/);
  } finally {
    await t.close();
  }
});

Deno.test("a full disk: batch items say they were not saved, on the API and the page", async () => {
  const t = await startTestApp();
  try {
    fillDisk(t);
    const events = await readSse(await t.post("/generate-batch", { inputs: ["a fox", "a heron"] }));
    const items = events.filter((e) => "index" in e);
    equal(items.length, 2);
    for (const item of items) {
      const result = item.result as { history_id: number | null; not_saved?: { type: string } };
      equal(result.history_id, null);
      equal(result.not_saved?.type, "storage_full");
    }
    const page = await t.request("/ui/batch", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ideas: "a fox", engine: "composer" }).toString(),
    });
    match(await page.text(), /not saved: the disk is full/);
  } finally {
    await t.close();
  }
});

Deno.test("a full disk: a prompt written from a picture answers 507 and still gives the prompt", async () => {
  const t = await startTestApp();
  try {
    fillDisk(t);
    const image = makePng(64, 48).toBase64();
    const body = { image, model: "sdxl", ollama_model: "gemma3:4b" };
    const res = await t.post("/api/images/prompt", body);
    equal(res.status, 507);
    const json = await res.json();
    isStorageFullBody(json);
    ok(json.positive.length > 0);
    const events = await readSse(await t.post("/api/images/prompt-stream", body));
    equal(events.at(-1)!.type, "storage_full");
  } finally {
    await t.close();
  }
});

/**
 * A KV store on a full disk: reads work, every commit fails as Deno KV fails there, while
 * `disk.full` is set (clear it to free space).
 */
function fullDiskKv(kv: Deno.Kv, disk = { full: true }): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          const wrapped: Deno.AtomicOperation = new Proxy(op, {
            get(o, p) {
              if (p === "commit") {
                return () =>
                  disk.full
                    ? Promise.reject(new TypeError("database or disk is full"))
                    : o.commit();
              }
              const v = Reflect.get(o, p, o);
              return typeof v === "function"
                ? (...args: unknown[]) => {
                  v.apply(o, args);
                  return wrapped;
                }
                : v;
            },
          });
          return wrapped;
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

Deno.test("a full disk under the conversations: /chat says so, /healthz reports sessions full until a turn saves", async () => {
  const t = await startTestApp();
  try {
    equal((await (await t.request("/healthz")).json()).sessions, "ok");
    const disk = { full: true };
    (t.services as { conversations: ConversationStore }).conversations = new ConversationStore(
      fullDiskKv(await Deno.openKv(":memory:"), disk),
    );
    const res = await t.post("/chat", { message: "a fox", session_id: "kv-full-session-0001" });
    equal(res.status, 507);
    isStorageFullBody(await res.json());
    equal((await (await t.request("/healthz")).json()).sessions, "storage_full");
    disk.full = false;
    const again = await t.post("/chat", { message: "a fox", session_id: "kv-full-session-0001" });
    equal(again.status, 200);
    equal((await (await t.request("/healthz")).json()).sessions, "ok");
  } finally {
    await t.close();
  }
});

Deno.test("a full disk: the chat form without JavaScript shows the unsaved reply with 507", async () => {
  const t = await startTestApp({ fake: { reply: () => "a red fox in the snow" } });
  try {
    (t.services as { conversations: ConversationStore }).conversations = new FullConversations(
      await Deno.openKv(":memory:"),
    );
    const res = await t.request("/ui/chat", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ input: "a fox", mode: "chat" }).toString(),
    });
    equal(res.status, 507);
    const html = await res.text();
    match(html, /not saved: the disk is full/);
    match(html, /a red fox in the snow/);
  } finally {
    await t.close();
  }
});
