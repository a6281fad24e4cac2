import { type Context, Hono } from "hono";
import { z } from "zod";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { describePlan, generatePrompt, streamPrompt } from "../../lib/generate/generate.ts";
import type { ConversationKind } from "../../lib/chat/conversations.ts";
import { planChatTurn, prepareChatTurn } from "../../lib/chat/chat_turn.ts";
import { badInput } from "../../lib/app/errors.ts";
import { readJson } from "../http/request_body.ts";
import { ChatSchema, PersonaChatSchema, SessionField } from "../http/schemas.ts";
import { abortWithRequest, sseResponse } from "../http/sse.ts";
import { cookieSession, sessionOf } from "../http/session.ts";
import { SESSION_ID } from "../../lib/app/session_id.ts";
import { hasBearerToken } from "../http/guards.ts";
import { conversationSession } from "../../lib/chat/conversation_access.ts";
import { requesterOf } from "../http/requester.ts";
import { failWhenNotSaved, generationJson } from "../http/not_saved.ts";

type Deps = Pick<
  Services,
  | "llm"
  | "history"
  | "slots"
  | "targets"
  | "presets"
  | "config"
  | "wildcards"
  | "secret"
  | "personas"
  | "conversations"
  | "turns"
>;

const ResetSchema = z.object({ session_id: SessionField, persona_id: z.string().optional() });

async function readOptionalJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  if (!text.trim()) return schema.parse({});
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return schema.parse({});
  }
  const result = schema.safeParse(body);
  if (!result.success) throw badInput("session_id: must be the session_id a previous reply gave");
  return result.data;
}

/** `/chat`, `/chat-stream`, `/reset`, the persona variants and `/api/personas`. */
export function chatRoutes(services: Deps): Hono {
  const nsfw = services.config.enableNsfwPresets;

  /** The session whose conversation this request may use (see `conversationSession`). */
  async function chatSession(c: Context, named: string | undefined): Promise<string> {
    return await conversationSession(services.conversations, {
      cookie: cookieSession(c, services.secret),
      named,
      trusted: hasBearerToken(c, services.config),
    }, () => sessionOf(c, services.secret));
  }

  const turnDeps = () => ({
    planContext: planContext(services),
    personas: services.personas,
    conversations: services.conversations,
    turns: services.turns,
    nsfw,
  });

  /** The turn as asked; a `dry_run` is planned and answered here, with nothing sent or kept. */
  async function turn(c: Context, kind: ConversationKind) {
    const body = await readJson(c, kind === "persona" ? PersonaChatSchema : ChatSchema);
    const input = {
      kind,
      request: body,
      sessionId: await chatSession(c, body.session_id),
      signal: c.req.raw.signal,
    };
    if (body.dry_run) {
      const plan = await planChatTurn(turnDeps(), input);
      return { dry: c.json({ ...describePlan(plan), session_id: input.sessionId }) } as const;
    }
    const prepared = await prepareChatTurn(turnDeps(), input);
    return { ...prepared, deps: { ...generationDeps(services), slots: services.slots } };
  }

  function once(kind: ConversationKind) {
    return async (c: Context) => {
      const t = await turn(c, kind);
      if ("dry" in t) return t.dry;
      const { plan, hooks, release, extra, deps } = t;
      try {
        const result = await generatePrompt(deps, plan, {
          requester: requesterOf(c, services.secret),
          signal: c.req.raw.signal,
          ...hooks,
        });
        return generationJson(c, {
          model: plan.target.id,
          ollama_model: plan.ollamaModel,
          ...extra,
          ...result,
        });
      } finally {
        release();
      }
    };
  }

  function stream(kind: ConversationKind) {
    return async (c: Context) => {
      const t = await turn(c, kind);
      if ("dry" in t) return t.dry;
      const { plan, hooks, release, extra, deps } = t;
      const stop = abortWithRequest(c.req.raw);
      const options = { requester: requesterOf(c, services.secret), signal: stop.signal, ...hooks };
      async function* events() {
        try {
          for await (const event of failWhenNotSaved(streamPrompt(deps, plan, options))) {
            yield "done" in event ? { ...event, ...extra } : event;
          }
        } finally {
          release();
        }
      }
      const res = await sseResponse(events(), stop);
      const cookie = c.res.headers.get("set-cookie");
      if (cookie) res.headers.set("set-cookie", cookie);
      return res;
    };
  }

  return new Hono()
    .post("/chat", once("chat"))
    .post("/chat-stream", stream("chat"))
    .post("/persona-chat", once("persona"))
    .post("/persona-chat-stream", stream("persona"))
    .post("/reset", async (c) => {
      const body = await readOptionalJson(c, ResetSchema);
      const sid = await chatSession(c, body.session_id);
      await services.conversations.reset(sid, "chat");
      return c.json({ status: "reset", session_id: sid });
    })
    .post("/persona-reset", async (c) => {
      const body = await readOptionalJson(c, ResetSchema);
      const sid = await chatSession(c, body.session_id);
      await services.conversations.reset(sid, "persona");
      return c.json({ message: "Persona conversation reset", session_id: sid });
    })
    .get("/api/conversation", async (c) => {
      const kind = c.req.query("kind") === "persona" ? "persona" : "chat";
      const given = c.req.query("session_id");
      if (given !== undefined && !SESSION_ID.test(given)) {
        throw badInput("session_id: must be the session_id a previous reply gave");
      }
      const sid = await chatSession(c, given);
      return c.json({
        session_id: sid,
        kind,
        scope: await services.conversations.scope(sid, kind),
        messages: await services.conversations.messages(sid, kind),
      });
    })
    .get("/api/personas", (c) => c.json(services.personas.list(nsfw)))
    .get("/api/personas/:id", (c) => c.json(services.personas.get(c.req.param("id"), nsfw)));
}
