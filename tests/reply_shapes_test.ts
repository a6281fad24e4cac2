/**
 * What users get from odd replies over HTTP: a reply that is only reasoning, an orphan closing
 * tag in a live stream, and prompts free of labels, preambles and commentary everywhere.
 */
import { equal, ok } from "node:assert/strict";
import { readSse, startTestApp } from "./helpers.ts";

const PLAIN_MODEL = "llama3.2:latest";

function rows(t: Awaited<ReturnType<typeof startTestApp>>): number {
  return t.services.history.use().list({ limit: 1 }).total;
}

Deno.test("a reply that is only reasoning saves no history row and says it was only reasoning", async () => {
  const t = await startTestApp({
    fake: { reply: () => "<think>The user wants a fox. Maybe snow, maybe dusk, let me weigh" },
  });
  try {
    const res = await t.post("/generate", {
      input: "a fox",
      model: "flux",
      ollama_model: PLAIN_MODEL,
    });
    equal(res.status, 200);
    const body = await res.json();
    equal(body.positive, "");
    equal(body.reply_kind, "reasoning_only");
    ok(String(body.message).includes("only reasoning"), `message: ${body.message}`);
    ok(String(body.thinking).includes("maybe dusk"));
    equal(body.history_id, null);
    equal(rows(t), 0, "no empty row is saved");

    const events = await readSse(
      await t.post("/generate-stream", {
        input: "a fox",
        model: "flux",
        ollama_model: PLAIN_MODEL,
      }),
    );
    const done = events.find((e) => e.done)!;
    equal(done.reply_kind, "reasoning_only");
    equal(done.history_id, null);
    equal(rows(t), 0);
  } finally {
    await t.close();
  }
});

Deno.test("an orphan </think> never reaches the live stream, and what came before is reasoning", async () => {
  const t = await startTestApp({
    fake: {
      reply: () =>
        "Okay, the user wants a fox at dawn. Keep it short.\n</think>\n\nA red fox in fresh snow at dawn, soft gold light.",
    },
  });
  try {
    const events = await readSse(
      await t.post("/generate-stream", {
        input: "a fox",
        model: "flux",
        ollama_model: PLAIN_MODEL,
      }),
    );
    const shown = events.filter((e) => typeof e.token === "string").map((e) => e.token).join("");
    ok(!shown.includes("</think>"), `streamed: ${JSON.stringify(shown)}`);
    ok(!shown.includes("</"), "no part of the tag either");
    const done = events.find((e) => e.done)!;
    equal(done.positive, "A red fox in fresh snow at dawn, soft gold light.");
    equal(done.result, "A red fox in fresh snow at dawn, soft gold light.");
    ok(String(done.thinking).includes("the user wants a fox"));
    equal(done.reply_kind, "prompt");
  } finally {
    await t.close();
  }
});

Deno.test("the page without JavaScript says a reply was only reasoning, with no Saved badge", async () => {
  const t = await startTestApp({
    fake: { reply: () => "<think>The user wants a fox. Maybe snow, maybe dusk, let me weigh" },
  });
  try {
    const res = await t.app.request("/ui/generate", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ input: "a fox", ollama_model: PLAIN_MODEL }).toString(),
    });
    equal(res.status, 200);
    const page = await res.text();
    ok(page.includes("was only reasoning"), "the message is shown");
    ok(!page.includes("Saved #"), "nothing was saved");
    ok(page.includes("Model reasoning"), "the reasoning is there to read");
    equal(rows(t), 0);
  } finally {
    await t.close();
  }
});
