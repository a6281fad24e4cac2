import type { ConversationKind, ConversationStore } from "./conversations.ts";
import type { PersonaBook } from "./personas.ts";
import {
  type ChatTurnRequest,
  findTarget,
  type GenerationPlan,
  planChat,
  type PlanContext,
} from "../prompt/plans.ts";
import type { BeforeSave } from "../generate/generation.ts";

/** What preparing a chat turn reads: plans, personas and the conversation so far. */
export interface ChatTurnDeps {
  planContext: PlanContext;
  personas: PersonaBook;
  conversations: ConversationStore;
  /** Whether adult personas may be used. */
  nsfw: boolean;
}

/** One chat turn as asked: the kind of conversation, the request and its session. */
export interface ChatTurnInput {
  kind: ConversationKind;
  request: ChatTurnRequest & { persona_id?: string };
  sessionId: string;
}

/** A prepared turn: the plan, the hook that stores the turn with its result, and reply fields. */
export interface PreparedChatTurn {
  plan: GenerationPlan;
  beforeSave: BeforeSave;
  extra: { session_id: string; reset: boolean; turn: number; persona?: string };
}

/** Reads the conversation and plans the next turn; the turn is stored only with its result. */
export async function prepareChatTurn(
  deps: ChatTurnDeps,
  input: ChatTurnInput,
): Promise<PreparedChatTurn> {
  const { kind, request, sessionId } = input;
  const ctx = deps.planContext;
  const persona = kind === "persona"
    ? deps.personas.get(request.persona_id ?? "", deps.nsfw)
    : undefined;
  // An unknown target is a 400 before the conversation is even read.
  const scope = { target: findTarget(ctx.targets, request.model).id, persona: persona?.id ?? null };
  const turn = await deps.conversations.context(sessionId, kind, scope);
  const plan = planChat(ctx, request, turn.history, persona);
  plan.sessionId = sessionId;
  plan.requireLabel = kind === "persona";
  const userMessage = plan.messages.at(-1)!.content;
  return {
    plan,
    beforeSave: async (result) => {
      await deps.conversations.appendTurn(
        sessionId,
        kind,
        scope,
        userMessage,
        result.result,
        request.message,
      );
    },
    extra: {
      session_id: sessionId,
      reset: turn.reset,
      turn: turn.turns + 1,
      ...(persona ? { persona: persona.id } : {}),
    },
  };
}
