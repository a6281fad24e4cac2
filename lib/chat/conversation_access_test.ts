import { equal, rejects } from "node:assert/strict";
import { AppError } from "../app/errors.ts";
import { conversationSession } from "./conversation_access.ts";

function bindings(bound: string[] = []) {
  const set = new Set(bound);
  return {
    set,
    bind: (sid: string) => Promise.resolve(void set.add(sid)),
    isBound: (sid: string) => Promise.resolve(set.has(sid)),
  };
}

const issue = () => "issued-session-000001";

async function forbidden(p: Promise<unknown>): Promise<void> {
  await rejects(p, (err) => err instanceof AppError && err.type === "conversation_forbidden");
}

Deno.test("a browser uses its own session, and using it binds it", async () => {
  const b = bindings();
  equal(await conversationSession(b, { cookie: "mine", trusted: false }, issue), "mine");
  equal(b.set.has("mine"), true);
  equal(
    await conversationSession(b, { cookie: "mine", named: "mine", trusted: false }, issue),
    "mine",
  );
});

Deno.test("a browser naming another session is refused unless it holds the token", async () => {
  await forbidden(
    conversationSession(bindings(), { cookie: "mine", named: "other", trusted: false }, issue),
  );
  equal(
    await conversationSession(bindings(), { cookie: "mine", named: "other", trusted: true }, issue),
    "other",
  );
});

Deno.test("a script may name a session no browser holds, never one a browser holds", async () => {
  equal(
    await conversationSession(bindings(), { cookie: null, named: "s", trusted: false }, issue),
    "s",
  );
  await forbidden(
    conversationSession(bindings(["b"]), { cookie: null, named: "b", trusted: false }, issue),
  );
  equal(
    await conversationSession(bindings(["b"]), { cookie: null, named: "b", trusted: true }, issue),
    "b",
  );
  const fresh = bindings();
  equal(await conversationSession(fresh, { cookie: null, trusted: false }, issue), issue());
  equal(fresh.set.size, 0, "a session issued just now is not bound until its cookie comes back");
});
