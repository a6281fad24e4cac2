/** `dry_run` on every generating route: the messages that would be sent, nothing sent or kept. */
import { deepEqual, equal, ok } from "node:assert/strict";
import { startTestApp } from "./helpers.ts";

const SID = "dry-run-session-0001";

const ROUTES: [string, Record<string, unknown>][] = [
  ["/chat", { message: "a lighthouse in fog", model: "sdxl", session_id: SID }],
  ["/chat-stream", { message: "a lighthouse in fog", model: "sdxl", session_id: SID }],
  ["/persona-chat", {
    message: "a lighthouse in fog",
    persona_id: "creative_vision_guide",
    model: "flux",
    session_id: SID,
  }],
  ["/persona-chat-stream", {
    message: "a lighthouse in fog",
    persona_id: "creative_vision_guide",
    model: "flux",
    session_id: SID,
  }],
];

for (const [path, body] of ROUTES) {
  Deno.test(`${path} with dry_run returns the messages, sends nothing and saves nothing`, async () => {
    const t = await startTestApp();
    try {
      // One real turn first, so the dry run shows the conversation it would continue.
      equal((await t.post(path.replace("-stream", ""), body)).status, 200);
      const chats = t.fake.chatRequests().length;
      const rows = t.services.history.use().list({ limit: 1 }).total;
      const kind = path.startsWith("/persona") ? "persona" : "chat";
      const before = await t.services.conversations.messages(SID, kind);

      const res = await t.post(path, { ...body, message: "now at night", dry_run: true });
      equal(res.status, 200);
      ok(res.headers.get("content-type")?.startsWith("application/json"));
      const plan = await res.json();
      equal(plan.dry_run, true);
      const messages = plan.messages as { role: string; content: string }[];
      equal(messages[0]!.role, "system");
      ok(messages.at(-1)!.content.includes("now at night"), "the new message goes last");
      ok(messages.some((m) => m.role === "assistant"), "the conversation so far is included");
      equal(plan.session_id, SID);

      equal(t.fake.chatRequests().length, chats, "no LLM request");
      equal(t.services.history.use().list({ limit: 1 }).total, rows, "no history row");
      deepEqual(await t.services.conversations.messages(SID, kind), before, "no turn stored");
    } finally {
      await t.close();
    }
  });
}

Deno.test("/generate-batch with dry_run returns each item's messages and runs nothing", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/generate-batch", {
      inputs: ["a fox", "a heron"],
      model: "sdxl",
      dry_run: true,
    });
    equal(res.status, 200);
    const plan = await res.json();
    equal(plan.dry_run, true);
    equal(plan.total, 2);
    equal(plan.items.length, 2);
    ok(plan.items[1].messages.at(-1).content.includes("a heron"));
    equal(t.fake.chatRequests().length, 0);
    equal(t.services.history.use().list({ limit: 1 }).total, 0);
    equal((await t.post("/generate-batch", { inputs: [], dry_run: true })).status, 400);
  } finally {
    await t.close();
  }
});
