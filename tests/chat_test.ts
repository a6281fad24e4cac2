import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  readSse,
  serveOnPort,
  sessionCookie,
  startTestApp,
  type TestApp,
  waitFor,
} from "./helpers.ts";

type Msg = { role: string; content: string };

async function say(t: TestApp, message: string, extra: Record<string, unknown> = {}) {
  const res = await t.post("/chat", { message, session_id: "test-session-0001", ...extra });
  equal(res.status, 200, await res.clone().text());
  return await res.json();
}

function lastChat(t: TestApp): Msg[] {
  return t.fake.chatRequests().at(-1)!.messages as Msg[];
}

Deno.test("chat turns reach Ollama in order with the right roles", async () => {
  const t = await startTestApp();
  try {
    const first = await say(t, "a castle on a hill");
    equal(first.turn, 1);
    equal(first.reset, false);
    equal(first.session_id, "test-session-0001");
    const second = await say(t, "make it night");
    equal(second.turn, 2);
    const third = await say(t, "add fireflies");
    const messages = lastChat(t);
    deepEqual(messages.map((m) => m.role), [
      "system",
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
    ]);
    match(messages[0]!.content, /refine one image prompt/);
    equal(messages[1]!.content, "a castle on a hill");
    equal(messages[2]!.content, first.result);
    equal(messages[4]!.content, second.result);
    equal(messages[5]!.content, "add fireflies");
    match(third.positive, /refined in turn 3/);
    equal(t.services.history.use().list({ limit: 10, mode: "chat" }).total, 3);
  } finally {
    await t.close();
  }
});

for (const exchanges of [10, 11, 30]) {
  Deno.test(`after ${exchanges} exchanges the context is the last 20 messages and the new one is always sent`, async () => {
    const t = await startTestApp();
    try {
      for (let i = 1; i <= exchanges; i++) await say(t, `turn ${i}`);
      await say(t, "the newest request");
      const messages = lastChat(t);
      equal(messages[0]!.role, "system");
      const rest = messages.slice(1);
      ok(rest.length <= 20, `${rest.length} messages`);
      equal(rest.at(-1)!.content, "the newest request");
      equal(rest.at(-1)!.role, "user");
      equal(rest[0]!.role, "user", "never starts with an assistant turn");
      for (let i = 1; i < rest.length; i++) {
        ok(rest[i]!.role !== rest[i - 1]!.role, "roles alternate");
      }
      const expectedFirst = Math.max(1, exchanges - 8);
      equal(rest[0]!.content, `turn ${expectedFirst}`);
      equal(rest.length, Math.min(exchanges, 9) * 2 + 1);
    } finally {
      await t.close();
    }
  });
}

Deno.test("POST /reset starts a fresh conversation", async () => {
  const t = await startTestApp();
  try {
    await say(t, "a ship");
    const res = await t.post("/reset", { session_id: "test-session-0001" });
    deepEqual(await res.json(), { status: "reset", session_id: "test-session-0001" });
    const after = await say(t, "a tree");
    equal(after.turn, 1);
    deepEqual(lastChat(t).map((m) => m.role), ["system", "user"]);
  } finally {
    await t.close();
  }
});

Deno.test("switching the target model starts a new conversation and says so", async () => {
  const t = await startTestApp();
  try {
    await say(t, "a ship", { model: "flux" });
    const switched = await say(t, "now as tags", { model: "sdxl" });
    equal(switched.reset, true);
    equal(switched.turn, 1);
    deepEqual(lastChat(t).map((m) => m.role), ["system", "user"]);
    match(lastChat(t)[0]!.content, /tag prompt/);
    const next = await say(t, "more", { model: "sdxl" });
    equal(next.reset, false);
    equal(next.turn, 2);
  } finally {
    await t.close();
  }
});

Deno.test("switching persona starts a new persona conversation", async () => {
  const t = await startTestApp();
  try {
    const body = { session_id: "test-session-0002", message: "a portrait" };
    const a = await (await t.post("/persona-chat", { ...body, persona_id: "photography_expert" }))
      .json();
    equal(a.persona, "photography_expert");
    equal(a.reset, false);
    const b = await (await t.post("/persona-chat", { ...body, persona_id: "photography_expert" }))
      .json();
    equal(b.turn, 2);
    const c = await (await t.post("/persona-chat", { ...body, persona_id: "quick_sketch" })).json();
    equal(c.reset, true);
    equal(c.turn, 1);
    const messages = lastChat(t);
    deepEqual(messages.map((m) => m.role), ["system", "user"]);
    match(messages[0]!.content, /Quick Sketch Assistant/);
    match(messages[0]!.content, /target image model is Flux/);
    const row = t.services.history.use().get(c.history_id)!;
    equal(row.mode, "persona-chat");
    equal(row.presets.persona, "quick_sketch");
  } finally {
    await t.close();
  }
});

Deno.test("a conversation expires 24 hours after its last use", async () => {
  let now = Date.parse("2026-11-24T10:00:00Z");
  const t = await startTestApp({ now: () => new Date(now) });
  try {
    await say(t, "one");
    now += 23 * 3600_000;
    equal((await say(t, "two")).turn, 2, "still alive 23 h after the first turn");
    now += 23 * 3600_000;
    equal((await say(t, "three")).turn, 3, "alive 23 h after the last use");
    now += 24 * 3600_000 + 1000;
    const late = await say(t, "four");
    equal(late.turn, 1);
    deepEqual(lastChat(t).map((m) => m.role), ["system", "user"]);
    now += 25 * 3600_000;
    equal(await t.services.conversations.sweep(), 1);
    deepEqual(await t.services.conversations.messages("test-session-0001", "chat"), []);
  } finally {
    await t.close();
  }
});

Deno.test("a streamed chat turn is saved to the conversation and history like a plain one", async () => {
  const t = await startTestApp();
  try {
    const events = await readSse(
      await t.post("/chat-stream", { message: "a fox", session_id: "test-session-0003" }),
    );
    const done = events.at(-1)!;
    equal(done.session_id, "test-session-0003");
    equal(done.turn, 1);
    equal(typeof done.history_id, "number");
    const stored = await t.services.conversations.messages("test-session-0003", "chat");
    deepEqual(stored.map((m) => m.role), ["user", "assistant"]);
    equal(stored[1]!.content, done.result);
    const events2 = await readSse(
      await t.post("/chat-stream", { message: "at night", session_id: "test-session-0003" }),
    );
    equal(events2.at(-1)!.turn, 2);
    equal(t.services.history.use().list({ limit: 10, mode: "chat" }).total, 2);
  } finally {
    await t.close();
  }
});

Deno.test("an abandoned chat stream keeps the message and the reply so far, marked stopped, out of history", async () => {
  const t = await startTestApp({ fake: { tokenDelayMs: 30, reply: () => "word ".repeat(100) } });
  const server = serveOnPort(t.app);
  try {
    const sid = "test-session-0004";
    t.fake.set({ tokenDelayMs: 0 });
    await t.post("/chat", { message: "first", session_id: sid });
    t.fake.set({ tokenDelayMs: 30 });
    const ac = new AbortController();
    const res = await fetch(`${server.url}/chat-stream`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "second", session_id: sid }),
      signal: ac.signal,
    });
    await res.body!.getReader().read();
    ac.abort();
    await waitFor(() => t.fake.openStreams === 0, 2000, "upstream cancel");
    await new Promise((r) => setTimeout(r, 50));
    const stored = await t.services.conversations.messages(sid, "chat");
    deepEqual(stored.map((m) => m.role), ["user", "assistant", "user", "assistant"]);
    equal(stored[0]!.content, "first");
    equal(stored[2]!.typed ?? stored[2]!.content, "second");
    equal(stored[3]!.stopped, "stopped");
    match(stored[3]!.content, /^word/);
    ok(stored[3]!.content.length < "word ".repeat(100).trim().length, "only the reply so far");
    equal(stored[1]!.stopped, undefined);
    equal(t.services.history.use().list({ limit: 10 }).total, 1, "history keeps finished ones");
    // The next turn sees the stopped exchange as part of the conversation.
    t.fake.set({ tokenDelayMs: 0 });
    await t.post("/chat", { message: "third", session_id: sid });
    const sent = t.fake.chatRequests().at(-1)!.messages as { role: string; content: string }[];
    deepEqual(sent.map((m) => m.role).slice(1), ["user", "assistant", "user", "assistant", "user"]);
    match(sent[4]!.content, /^word/);
  } finally {
    await server.close();
    await t.close();
  }
});

Deno.test("two turns at once on one session are both kept", async () => {
  const t = await startTestApp({ fake: { tokenDelayMs: 5 } });
  try {
    const sid = "test-session-0005";
    await t.post("/chat", { message: "start", session_id: sid });
    const [a, b] = await Promise.all([
      t.post("/chat", { message: "left", session_id: sid }),
      t.post("/chat", { message: "right", session_id: sid }),
    ]);
    equal(a.status, 200);
    equal(b.status, 200);
    await a.body?.cancel();
    await b.body?.cancel();
    const stored = await t.services.conversations.messages(sid, "chat");
    equal(stored.length, 6);
    const users = stored.filter((m) => m.role === "user").map((m) => m.content);
    equal(users[0], "start");
    deepEqual([...users.slice(1)].sort(), ["left", "right"]);
    for (let i = 1; i < stored.length; i++) ok(stored[i]!.role !== stored[i - 1]!.role);
  } finally {
    await t.close();
  }
});

Deno.test("a browser gets an HttpOnly SameSite=Lax session cookie and the conversation stays out of it", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/chat", { message: "a secret lighthouse" });
    const cookie = res.headers.get("set-cookie")!;
    match(
      cookie,
      /^promptsmith_session=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    ok(!cookie.includes("lighthouse"));
    const sid = cookie.split(";")[0]!.split("=")[1]!.split(".")[0];
    const body = await res.json();
    equal(body.session_id, sid);
    const again = await t.post("/chat", { message: "more" }, {
      cookie: cookie.split(";")[0]!,
    });
    equal((await again.json()).turn, 2);
    equal(again.headers.get("set-cookie"), null);
    // A cookie we did not sign is not a session: the client gets a new one, not that transcript.
    const invented = await t.post("/chat", { message: "peek" }, {
      cookie: `promptsmith_session=${sid}.forgedsignatureforged0`,
    });
    const reply = await invented.json();
    equal(reply.turn, 1);
    ok(reply.session_id !== sid);
    ok(invented.headers.get("set-cookie"));
  } finally {
    await t.close();
  }
});

Deno.test("chat validation: message first, then persona_id, then unknown persona", async () => {
  const t = await startTestApp();
  try {
    let res = await t.post("/chat", { message: "" });
    equal(res.status, 400);
    match((await res.json()).message, /message must not be empty/);
    res = await t.post("/persona-chat", { persona_id: "x" });
    match((await res.json()).message, /^message is required/);
    res = await t.post("/persona-chat", { message: "hi" });
    match((await res.json()).message, /^persona_id is required/);
    res = await t.post("/persona-chat", { message: "hi", persona_id: "nobody" });
    equal(res.status, 404);
    equal((await res.json()).error, "Persona not found");
    res = await t.post("/chat", { message: "hi", session_id: "bad id!" });
    equal(res.status, 400);
    match((await res.json()).message, /session_id/);
    equal(t.fake.chatRequests().length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("personas: seven with prompts, the adult one only when enabled, and presets only where supported", async () => {
  const t = await startTestApp();
  try {
    const list = await (await t.request("/api/personas")).json();
    deepEqual(Object.keys(list).sort(), [
      "art_director",
      "creative_vision_guide",
      "fantasy_storyteller",
      "photography_expert",
      "quick_sketch",
      "technical_engineer",
    ]);
    const one = await (await t.request("/api/personas/technical_engineer")).json();
    equal(one.id, "technical_engineer");
    match(one.system_prompt, /Technical Prompt Engineer/);
    equal((await t.request("/api/personas/boudoir_specialist")).status, 404);
    await t.post("/persona-chat", {
      message: "a knight",
      persona_id: "fantasy_storyteller",
      style: "Cinematic",
      session_id: "test-session-0006",
    });
    equal(
      lastChat(t).at(-1)!.content,
      "a knight",
      "no presets for a persona that does not support them",
    );
    await t.post("/persona-chat", {
      message: "a knight",
      persona_id: "technical_engineer",
      style: "Cinematic",
      session_id: "test-session-0007",
    });
    match(lastChat(t).at(-1)!.content, /- Style: cinematic film still/);
  } finally {
    await t.close();
  }
  const adult = await startTestApp({ env: { ENABLE_NSFW_PRESETS: "true" } });
  try {
    const list = await (await adult.request("/api/personas")).json();
    equal(Object.keys(list).length, 7);
    equal(list.boudoir_specialist.category, "adult");
  } finally {
    await adult.close();
  }
});

Deno.test("a persona reply that only asks questions has an empty positive prompt", async () => {
  const t = await startTestApp({
    fake: { reply: () => "What mood are you after? Cosy or lonely?" },
  });
  try {
    const body = await (await t.post("/persona-chat", {
      message: "a cabin",
      persona_id: "creative_vision_guide",
      model: "sdxl",
    })).json();
    equal(body.positive, "");
    equal(body.negative, null);
    equal(body.result, "What mood are you after? Cosy or lonely?");
  } finally {
    await t.close();
  }
});

Deno.test("the transcript shows the user's own words while the LLM gets the preset guidance", async () => {
  const t = await startTestApp();
  try {
    const sid = "test-session-typed1";
    await t.post("/chat", { message: "a foggy pier", style: "Watercolor", session_id: sid });
    await t.post("/chat", { message: "add gulls", session_id: sid });
    const sent = lastChat(t);
    match(
      sent[1]!.content,
      /^a foggy pier\n\nMy words fix the subject.*\n\nPresets:\n- Style: watercolor/,
    );
    ok(
      sent.every((m) => Object.keys(m).sort().join() === "content,role"),
      "only role and content go upstream",
    );
    const stored = await t.services.conversations.messages(sid, "chat");
    equal(stored[0]!.typed, "a foggy pier");
    equal(stored[2]!.typed, undefined, "no copy when nothing was added");
    const page =
      await (await t.request("/?mode=chat", { headers: { cookie: sessionCookie(t, sid) } }))
        .text();
    match(page, /<div class="text">a foggy pier<\/div>/);
    ok(!page.includes("Presets:"));
  } finally {
    await t.close();
  }
});

Deno.test("an unknown target in chat is a 400 and touches no conversation", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/chat", {
      message: "x",
      model: "dalle",
      session_id: "test-session-bad01",
    });
    equal(res.status, 400);
    match((await res.json()).message, /model: unknown target "dalle"/);
    equal(await t.services.conversations.scope("test-session-bad01", "chat"), null);
    equal(t.fake.chatRequests().length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("a chat turn that was only reasoning shows the message in the chat panel, not an empty reply", async () => {
  const t = await startTestApp({
    fake: { reply: () => "<think>The user wants a fox. Snow, dawn light, maybe a" },
  });
  const form = (headers: Record<string, string>) =>
    t.app.request("/ui/chat", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ input: "a fox", model: "sdxl" }).toString(),
    });
  try {
    const cookie = sessionCookie(t, "reasoning-session-0001");
    // With htmx: the run's final panel.
    const started = await (await form({ cookie, "HX-Request": "true" })).text();
    const id = started.match(/\/ui\/runs\/([\w-]+)\/stream/)![1]!;
    const stream = await (await t.request(`/ui/runs/${id}/stream`)).text();
    const final = stream.split("event: final")[1]!;
    match(final, /The model(&#x27;|&#39;|')s reply was only reasoning/);
    // Without JavaScript: the page after the redirect shows it too.
    const res = await form({ cookie });
    equal(res.status, 303);
    const page = await (await t.request(res.headers.get("location")!, { headers: { cookie } }))
      .text();
    equal(page.match(/reply was only reasoning/g)?.length, 2, "both turns say so");
    // The LLM is not told the message: the next turn's history holds the (empty) reply only.
    const stored = await t.services.conversations.messages("reasoning-session-0001", "chat");
    ok(stored.every((m) => !m.content.includes("only reasoning")));
  } finally {
    await t.close();
  }
});
