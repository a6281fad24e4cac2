import { equal, ok, rejects } from "node:assert/strict";
import { ConversationStore } from "./conversations.ts";
import { PageStateStore } from "../app/page_state.ts";
import { AppError } from "../app/errors.ts";

const LONG = "a".repeat(3000);

function isBadSession(err: unknown): boolean {
  ok(err instanceof AppError, String(err));
  equal(err.status, 400);
  ok(err.message.startsWith("session_id:"), err.message);
  return true;
}

Deno.test("a session id too long or odd for a KV key is a 400 that names session_id, on every store call", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const conversations = new ConversationStore(kv);
    const pages = new PageStateStore(kv);
    for (const sid of [LONG, "", "a/b", "x".repeat(65), "ok\0ok-but-nul-00"]) {
      await rejects(conversations.messages(sid, "chat"), isBadSession);
      await rejects(conversations.scope(sid, "persona"), isBadSession);
      await rejects(conversations.reset(sid, "chat"), isBadSession);
      await rejects(pages.update(sid, () => {}), isBadSession);
      // No session at all (null or "") is a fresh page, not an error.
      if (sid) await rejects(pages.get(sid), isBadSession);
    }
    equal((await conversations.messages("A".repeat(22), "chat")).length, 0);
  } finally {
    kv.close();
  }
});
