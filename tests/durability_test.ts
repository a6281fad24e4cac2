import { equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { startFakeOllama } from "./fakes/fake_ollama.ts";
import { ConversationStore } from "../lib/chat/conversations.ts";
import { startServerProcess } from "./helpers.ts";

Deno.test("SIGKILL during a burst of writes loses no acknowledged history row or conversation turn", async () => {
  const dir = await Deno.makeTempDir();
  const fake = startFakeOllama();
  const { child, url, output } = await startServerProcess({ DATA_DIR: dir, OLLAMA_URL: fake.url });
  const ackedRows = new Set<number>();
  let ackedTurns = 0;
  let stop = false;
  const worker = async (i: number) => {
    while (!stop) {
      try {
        const chat = i % 2 === 1;
        const res = await fetch(`${url}${chat ? "/chat" : "/generate"}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(
            chat
              ? { message: `turn from worker ${i}`, session_id: "durability-session-1" }
              : { input: `burst idea ${Math.random()}`, engine: "composer" },
          ),
        });
        if (res.status !== 200) {
          await res.body?.cancel();
          continue;
        }
        const body = await res.json();
        ackedRows.add(body.history_id);
        if (chat) ackedTurns++;
      } catch {
        return;
      }
    }
  };
  const workers = [0, 1, 2, 3].map(worker);
  try {
    while (ackedRows.size < 150) await new Promise((r) => setTimeout(r, 5));
    child.kill("SIGKILL");
    stop = true;
    await child.status;
    await Promise.all(workers);
    await child.stderr.cancel().catch(() => {});
    await output();

    const db = new DatabaseSync(join(dir, "history.db"));
    equal(
      (db.prepare("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check,
      "ok",
    );
    const ids = new Set(
      (db.prepare("SELECT id FROM prompt_history").all() as { id: number }[]).map((r) => r.id),
    );
    for (const id of ackedRows) ok(ids.has(id), `acknowledged row ${id} survived`);
    const fts = db.prepare("SELECT count(*) AS n FROM history_fts WHERE history_fts MATCH 'burst'")
      .get() as { n: number };
    ok(fts.n > 0, "the search index reopened with the rows");
    db.close();

    const kv = await Deno.openKv(join(dir, "sessions.kv"));
    try {
      const messages = await new ConversationStore(kv).messages("durability-session-1", "chat");
      ok(
        messages.length >= Math.min(ackedTurns * 2, 40),
        `${messages.length} messages for ${ackedTurns} acknowledged turns`,
      );
      for (let i = 1; i < messages.length; i++) ok(messages[i]!.role !== messages[i - 1]!.role);
    } finally {
      kv.close();
    }
  } finally {
    stop = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // Already dead.
    }
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});
