import type { ConversationKind, ConversationStore } from "./conversations.ts";
import type { PersonaBook } from "./personas.ts";
import type { TurnQueue } from "./turn_queue.ts";
import {
  type ChatTurnRequest,
  findTarget,
  type GenerationPlan,
  planChat,
  type PlanContext,
} from "../prompt/plans.ts";
import type { TurnHooks } from "../generate/generation.ts";

/** What preparing a chat turn reads: plans, personas, the conversation so far and its queue. */
export interface ChatTurnDeps {
  planContext: PlanContext;
  personas: PersonaBook;
  conversations: ConversationStore;
  /** Turns of one conversation run one after another. */
  turns: TurnQueue;
  /** Whether adult personas may be used. */
  nsfw: boolean;
}

/** One chat turn as asked: the kind of conversation, the request and its session. */
export interface ChatTurnInput {
  kind: ConversationKind;
  request: ChatTurnRequest & { persona_id?: string };
  sessionId: string;
  /** Stops waiting for the turn ahead (the client went away). */
  signal?: AbortSignal;
}

/**
 * A prepared turn: the plan, the hooks that store the turn with its result (or with the partial
 * reply when it ends early), reply fields, and `release`, which lets the next turn of the
 * conversation start. The hooks release it themselves once the turn is stored; callers call it
 * too (it is idempotent) when the generation ends, so a turn that never started holds nothing.
 */
export interface PreparedChatTurn {
  plan: GenerationPlan;
  hooks: Required<TurnHooks>;
  release: () => void;
  extra: { session_id: string; reset: boolean; turn: number; persona?: string };
}

/** The persona and conversation scope a turn belongs to; an unknown target is a 400. */
function scopeOf(deps: ChatTurnDeps, input: ChatTurnInput) {
  const persona = input.kind === "persona"
    ? deps.personas.get(input.request.persona_id ?? "", deps.nsfw)
    : undefined;
  const target = findTarget(deps.planContext.targets, input.request.model).id;
  return { persona, scope: { target, persona: persona?.id ?? null } };
}

/**
 * Plans a turn as it would be sent now, without waiting for the turn ahead and without storing
 * anything: what a `dry_run` shows.
 */
export async function planChatTurn(
  deps: ChatTurnDeps,
  input: ChatTurnInput,
): Promise<GenerationPlan> {
  const { persona, scope } = scopeOf(deps, input);
  const turn = await deps.conversations.context(input.sessionId, input.kind, scope);
  const plan = planChat(deps.planContext, input.request, turn.history, persona);
  plan.sessionId = input.sessionId;
  plan.requireLabel = input.kind === "persona";
  return plan;
}

/**
 * Waits for the turn ahead in the same conversation, reads the conversation and plans the next
 * turn. The turn is stored when it ends: with its result, or marked stopped with the reply so
 * far; a turn that failed before its first word is not stored (the caller gives the message back).
 */
export async function prepareChatTurn(
  deps: ChatTurnDeps,
  input: ChatTurnInput,
): Promise<PreparedChatTurn> {
  const { kind, request, sessionId } = input;
  const ctx = deps.planContext;
  // An unknown target is a 400 before the conversation is even read.
  const { persona, scope } = scopeOf(deps, input);
  const release = await deps.turns.enter(`${sessionId}\u0000${kind}`, input.signal);
  try {
    const turn = await deps.conversations.context(sessionId, kind, scope);
    const plan = planChat(ctx, request, turn.history, persona);
    plan.sessionId = sessionId;
    plan.requireLabel = kind === "persona";
    const userMessage = plan.messages.at(-1)!.content;
    const store = async (reply: Parameters<ConversationStore["appendTurn"]>[4]) => {
      try {
        await deps.conversations.appendTurn(
          sessionId,
          kind,
          scope,
          userMessage,
          reply,
          request.message,
        );
      } finally {
        release();
      }
    };
    return {
      plan,
      hooks: {
        onDone: (result) =>
          store({
            content: result.result,
            history_id: result.history_id,
            // A reply that was only reasoning keeps no text: the panel shows why instead.
            ...(result.message ? { message: result.message } : {}),
          }),
        onStopped: async (partial) => {
          if (partial.reason === "error" && !partial.result) return release();
          await store({ content: partial.result, stopped: partial.reason });
        },
      },
      release,
      extra: {
        session_id: sessionId,
        reset: turn.reset,
        turn: turn.turns + 1,
        ...(persona ? { persona: persona.id } : {}),
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
