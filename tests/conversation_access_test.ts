import { equal, match } from "node:assert/strict";
import { sessionCookie, startTestApp, type TestApp } from "./helpers.ts";

const A = "browser-session-aaaa01";
const B = "browser-session-bbbb02";

async function chatAs(t: TestApp, body: Record<string, unknown>, cookie?: string) {
  return await t.post("/chat", body, cookie ? { cookie } : {});
}

async function refused(res: Response): Promise<void> {
  equal(res.status, 403);
  const body = await res.json();
  equal(body.type, "conversation_forbidden");
  match(body.message, /another session/);
}

Deno.test("another browser cannot read, write or reset a conversation by its id", async () => {
  const t = await startTestApp();
  try {
    const a = sessionCookie(t, A);
    const b = sessionCookie(t, B);
    equal((await chatAs(t, { message: "a secret lighthouse" }, a)).status, 200);
    await refused(await chatAs(t, { message: "peek", session_id: A }, b));
    await refused(await t.request(`/api/conversation?session_id=${A}`, { headers: { cookie: b } }));
    await refused(await t.post("/reset", { session_id: A }, { cookie: b }));
    await refused(await t.post("/chat-stream", { message: "x", session_id: A }, { cookie: b }));
    const own = await (await t.request("/api/conversation", { headers: { cookie: a } })).json();
    equal(own.messages.length, 2, "A's conversation is untouched");
    equal((await chatAs(t, { message: "more", session_id: A }, a)).status, 200, "A names itself");
  } finally {
    await t.close();
  }
});

Deno.test("a script without the browser's cookie cannot use a browser's conversation", async () => {
  const t = await startTestApp();
  try {
    await chatAs(t, { message: "a secret lighthouse" }, sessionCookie(t, A));
    await refused(await chatAs(t, { message: "peek", session_id: A }));
    await refused(await t.request(`/api/conversation?session_id=${A}`));
  } finally {
    await t.close();
  }
});

Deno.test("a script's conversation is reached by its id, and a browser cannot take it over", async () => {
  const t = await startTestApp();
  try {
    const sid = "script-session-00001";
    equal((await chatAs(t, { message: "one", session_id: sid })).status, 200);
    const second = await (await chatAs(t, { message: "two", session_id: sid })).json();
    equal(second.turn, 2, "scripts keep passing the id");
    await refused(await chatAs(t, { message: "peek", session_id: sid }, sessionCookie(t, B)));
  } finally {
    await t.close();
  }
});

Deno.test("with AUTH_TOKEN, a script holding the token may name any conversation", async () => {
  const token = "s3cret-token-0123456789";
  const t = await startTestApp({ env: { AUTH_TOKEN: token } });
  try {
    const bearer = { authorization: `Bearer ${token}` };
    await t.post("/chat", { message: "a lighthouse" }, { ...bearer, cookie: sessionCookie(t, A) });
    const res = await t.request(`/api/conversation?session_id=${A}`, { headers: bearer });
    equal(res.status, 200);
    equal((await res.json()).messages.length, 2);
  } finally {
    await t.close();
  }
});

Deno.test("a conversation held on the page is bound to the browser too", async () => {
  const t = await startTestApp();
  try {
    const a = sessionCookie(t, A);
    const res = await t.request("/ui/chat", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: a },
      body: new URLSearchParams({ input: "a lighthouse", mode: "chat" }).toString(),
    });
    equal(res.status, 303);
    await refused(await t.request(`/api/conversation?session_id=${A}`));
  } finally {
    await t.close();
  }
});
