import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { generateOnce, type GenerationDeps, runGeneration } from "../../lib/generate/generation.ts";
import { findTarget, planChat } from "../../lib/prompt/plans.ts";
import type { ConversationKind } from "../../lib/chat/conversations.ts";
import { badInput } from "../../lib/app/errors.ts";
import { readJson } from "../http/request_body.ts";
import { GenerationFields, MAX_TEXT } from "../http/schemas.ts";
import { sseResponse } from "../http/sse.ts";
import { trackRequest } from "./generate.ts";
import { SESSION_ID, sessionOf } from "../http/session.ts";

const SessionField = z.string().regex(SESSION_ID, "must be the session_id a previous reply gave")
  .optional();

/** `POST /chat` bodies. */
export const ChatSchema = z.object({
  message: z.string().trim().min(1).max(MAX_TEXT),
  ...GenerationFields,
  session_id: SessionField,
});

/** `POST /persona-chat` bodies. */
export const PersonaChatSchema = z.object({
  message: z.string().trim().min(1).max(MAX_TEXT),
  persona_id: z.string().trim().min(1).max(100),
  ...GenerationFields,
  session_id: SessionField,
});

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

/** Prepares one chat turn: the session, the conversation so far, the plan and how to save it. */
export async function prepareChatTurn(
  services: Services,
  c: Context,
  kind: ConversationKind,
  body: z.infer<typeof ChatSchema> & { persona_id?: string },
) {
  const nsfw = services.config.enableNsfwPresets;
  const ctx = planContext(services);
  const persona = kind === "persona" ? services.personas.get(body.persona_id!, nsfw) : undefined;
  const sid = sessionOf(c, body.session_id);
  // An unknown target is a 400 before the conversation is even read.
  const scope = { target: findTarget(ctx.targets, body.model).id, persona: persona?.id ?? null };
  const turn = await services.conversations.context(sid, kind, scope);
  const plan = planChat(ctx, body, turn.history, persona);
  plan.sessionId = sid;
  plan.requireLabel = kind === "persona";
  const userMessage = plan.messages.at(-1)!.content;
  const deps: GenerationDeps = {
    ...generationDeps(services),
    beforeSave: async (result) => {
      await services.conversations.appendTurn(
        sid,
        kind,
        scope,
        userMessage,
        result.result,
        body.message,
      );
    },
  };
  const extra = {
    session_id: sid,
    reset: turn.reset,
    turn: turn.turns + 1,
    ...(persona ? { persona: persona.id } : {}),
  };
  return { plan, deps, extra };
}

/** `/chat`, `/chat-stream`, `/reset`, the persona variants and `/api/personas`. */
export function chatRoutes(services: Services): Hono {
  const nsfw = services.config.enableNsfwPresets;

  function handlers(kind: ConversationKind, schema: typeof ChatSchema | typeof PersonaChatSchema) {
    return {
      async once(c: Context) {
        const body = await readJson(c, schema);
        const { plan, deps, extra } = await prepareChatTurn(services, c, kind, body);
        const { controller, release } = trackRequest(services, c);
        try {
          const result = await generateOnce(deps, plan, controller.signal);
          return c.json({
            model: plan.target.id,
            ollama_model: plan.ollamaModel,
            ...extra,
            ...result,
          });
        } finally {
          release();
        }
      },
      async stream(c: Context) {
        const body = await readJson(c, schema);
        const { plan, deps, extra } = await prepareChatTurn(services, c, kind, body);
        const { controller, release } = trackRequest(services, c);
        async function* events() {
          for await (const event of runGeneration(deps, plan, controller.signal)) {
            yield "done" in event ? { ...event, ...extra } : event;
          }
        }
        const res = await sseResponse(events(), controller, release);
        const cookie = c.res.headers.get("set-cookie");
        if (cookie) res.headers.set("set-cookie", cookie);
        return res;
      },
    };
  }

  const chat = handlers("chat", ChatSchema);
  const persona = handlers("persona", PersonaChatSchema);
  return new Hono()
    .post("/chat", (c) => chat.once(c))
    .post("/chat-stream", (c) => chat.stream(c))
    .post("/persona-chat", (c) => persona.once(c))
    .post("/persona-chat-stream", (c) => persona.stream(c))
    .post("/reset", async (c) => {
      const body = await readOptionalJson(c, ResetSchema);
      const sid = sessionOf(c, body.session_id);
      await services.conversations.reset(sid, "chat");
      return c.json({ status: "reset", session_id: sid });
    })
    .post("/persona-reset", async (c) => {
      const body = await readOptionalJson(c, ResetSchema);
      const sid = sessionOf(c, body.session_id);
      await services.conversations.reset(sid, "persona");
      return c.json({ message: "Persona conversation reset", session_id: sid });
    })
    .get("/api/conversation", async (c) => {
      const kind = c.req.query("kind") === "persona" ? "persona" : "chat";
      const sid = sessionOf(c, c.req.query("session_id"));
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
