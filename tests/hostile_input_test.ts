import { equal, match, ok } from "node:assert/strict";
import { browserEvents, HX, postForm, serveOnPort, startTestApp } from "./helpers.ts";

Deno.test("a model reply holding lone \\r cannot add event: or id: lines to the page's stream", async () => {
  // The fake sends its last three words as one piece, line breaks and all.
  const hostile = "POSITIVE: a kite\nNEGATIVE: blur\revent:close\rid:999\r\r";
  const t = await startTestApp({ fake: { reply: () => hostile, fault: "final-text" } });
  const server = serveOnPort(t.app);
  try {
    const res = await postForm(t, "/ui/generate", { input: "a kite" }, HX);
    const runId = (await res.text()).match(/sse-connect="\/ui\/runs\/([0-9a-f-]+)\/stream"/)![1];
    const events = await browserEvents(await fetch(`${server.url}/ui/runs/${runId}/stream`));
    const names = events.map((e) => e.event);
    ok(names.includes("final"), names.join(","));
    equal(names.indexOf("close"), names.length - 1, "close comes once, last");
    ok(!events.some((e) => e.id === "999"), "no id of the model's");
    const ids = events.map((e) => Number(e.id));
    ok(ids.every((id, i) => i === 0 || id > ids[i - 1]!), ids.join(","));
    match(events.find((e) => e.event === "final")!.data, /id="positive"/);
  } finally {
    await server.close();
    await t.close();
  }
});

Deno.test("a custom style named like a built-in one is refused with a 409, and the built-in stays", async () => {
  const t = await startTestApp();
  try {
    const before = (await (await t.request("/presets")).json()).styles.Cinematic;
    for (
      const [kind, name] of [
        ["styles", "Cinematic"],
        ["artists", "Greg Rutkowski"],
        ["lighting", "Golden Hour"],
        ["composition", "Portrait"],
        ["styles", "None"],
      ]
    ) {
      const res = await t.post("/api/presets/custom", { kind, name, text: "my own words" });
      const body = await res.json();
      equal(res.status, 409, JSON.stringify(body));
      match(body.message, new RegExp(`^name: "${name}" is a built-in ${kind} preset`));
    }
    equal((await (await t.request("/presets")).json()).styles.Cinematic, before);
    // A name of its own is fine, and renaming it onto a built-in one is refused too.
    const mine = await t.post("/api/presets/custom", {
      kind: "styles",
      name: "Cinematic (mine)",
      text: "my own words",
    });
    equal(mine.status, 201);
    const id = (await mine.json()).id;
    const rename = await t.app.request(`/api/presets/custom/${id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "styles", name: "Anime", text: "my own words" }),
    });
    equal(rename.status, 409);
    const generated = await (await t.post("/generate", {
      input: "a fox",
      engine: "composer",
      style: "Cinematic",
    })).json();
    ok(!JSON.stringify(generated).includes("my own words"));
  } finally {
    await t.close();
  }
});

Deno.test("a custom preset stored under a built-in name before the check does not replace the built-in", async () => {
  const t = await startTestApp();
  try {
    const builtin = (await (await t.request("/presets")).json()).styles.Cinematic;
    t.services.custom.use().create({ kind: "styles", name: "Cinematic", text: "an old row" });
    t.services.custom.use().create({ kind: "styles", name: "__proto__", text: "odd but fine" });
    const styles = (await (await t.request("/presets")).json()).styles;
    equal(styles.Cinematic, builtin);
    equal(Object.getOwnPropertyDescriptor(styles, "__proto__")?.value, "odd but fine");
  } finally {
    await t.close();
  }
});

Deno.test("GET /api/conversation with a 3,000-character session_id is a 400 that names it", async () => {
  const t = await startTestApp();
  try {
    for (const kind of ["chat", "persona"]) {
      const res = await t.request(`/api/conversation?kind=${kind}&session_id=${"a".repeat(3000)}`);
      equal(res.status, 400);
      match((await res.json()).message, /^session_id: /);
    }
  } finally {
    await t.close();
  }
});

/** Asserts a JSON 400 whose message starts with the field's name. */
async function refusedNul(res: Response, field: string): Promise<void> {
  const text = await res.text();
  equal(res.status, 400, text);
  // Our error shape, OpenAI's ({error: {message}}) or Ollama's ({error: "…"}).
  const body = JSON.parse(text);
  const message = String(body.message ?? body.error?.message ?? body.error);
  ok(message.includes(`${field}: `) && /NUL/.test(message), message);
}

Deno.test("NUL in any text a client sends is refused with a 400 naming the field", async () => {
  const t = await startTestApp();
  try {
    await refusedNul(await t.post("/generate", { input: "before\0after" }), "input");
    await refusedNul(
      await t.post("/generate", { input: "a fox", selections: { universal: { "mo\0od": "x" } } }),
      "selections.universal",
    );
    await refusedNul(await t.post("/chat", { message: "hi\0" }), "message");
    await refusedNul(
      await t.post("/api/presets/custom", { kind: "styles", name: "a\0b", text: "x" }),
      "name",
    );
    await refusedNul(
      await t.post("/history/import", {
        entries: [{
          timestamp: "2026-01-01T00:00:00Z",
          user_input: "before\0after",
          generated_output: "x",
          model: "flux",
          mode: "oneshot",
        }],
      }),
      "entries.0.user_input",
    );
    await refusedNul(
      await t.post("/v1/chat/completions", {
        model: "flux",
        messages: [{ role: "user", content: "a\0b" }],
      }),
      "messages.0.content",
    );
    await refusedNul(
      await t.post("/ollama/api/generate", { model: "flux", prompt: "a\0b", stream: false }),
      "prompt",
    );
    const page = await postForm(t, "/ui/generate", { input: "before\0after" });
    equal(page.status, 400);
    match(await page.text(), /input: [^<]*NUL/);
    equal(t.fake.chatRequests().length, 0);
    equal(t.services.history.use().list({ limit: 5 }).total, 0);
    equal(t.services.custom.use().list().length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("a model reply holding NUL is saved and shown exactly as it was answered, without the NUL", async () => {
  const t = await startTestApp({ fake: { reply: () => "PROMPT: before\0after, a fox" } });
  try {
    const res = await t.post("/generate", { input: "a fox" });
    const body = await res.json();
    equal(res.status, 200, JSON.stringify(body));
    equal(body.positive, "beforeafter, a fox");
    const saved = t.services.history.use().get(body.history_id)!;
    equal(saved.positive, body.positive);
    match(
      await (await t.request(`/ui/history?focus=${body.history_id}`)).text(),
      /beforeafter, a fox/,
    );
  } finally {
    await t.close();
  }
});
