import type { ChatMessage } from "../llm/types.ts";
import {
  type GenerationPlan,
  type OneShotRequest,
  planChat,
  type PlanContext,
  planOneShot,
} from "../prompt/plans.ts";
import type { CompatModel } from "./models.ts";

/** Longest guidance (a node's system prompt) accepted, in characters. */
export const MAX_GUIDANCE = 8000;

/** One request to a served model, as both protocols reduce it. */
export interface CompatRequest {
  model: CompatModel;
  /** The user's idea: the prompt (generate) or the last user message (chat). */
  idea: string;
  /** Earlier turns, oldest first: a follow-up refines the prompt these turns wrote. */
  history: ChatMessage[];
  /** The caller's own system prompt, added to ours as extra guidance; "" for none. */
  guidance: string;
  temperature?: number;
  seed?: number;
  keepAlive?: string | number;
  think?: boolean;
}

/** Adds the caller's guidance after our system prompt, which it never replaces. */
function withGuidance(messages: ChatMessage[], guidance: string): ChatMessage[] {
  const [system, ...rest] = messages;
  if (!system || system.role !== "system") return messages;
  const content = `${system.content}\n\nThe workflow that asks for this prompt adds instructions ` +
    `of its own. Follow them where they do not change the output format above:\n${guidance}`;
  return [{ role: "system", content }, ...rest];
}

/**
 * Plans a served model's generation with the same planners as the app: a first turn is a one-shot
 * generation, a follow-up a chat turn over the earlier ones. The target and pack come from the
 * model; the LLM is the user's configured one; history records it under the mode `api`.
 */
export function planCompat(ctx: PlanContext, req: CompatRequest): GenerationPlan {
  const base: Omit<OneShotRequest, "input"> = { model: req.model.target.id };
  if (req.model.pack) base.selections = { pack: req.model.pack.id };
  if (req.temperature !== undefined) base.temperature = req.temperature;
  if (req.seed !== undefined) base.seed = req.seed;
  if (req.keepAlive !== undefined) base.keep_alive = req.keepAlive;
  if (req.think !== undefined) base.think = req.think;
  const plan = req.history.length
    ? planChat(ctx, { ...base, message: req.idea }, req.history)
    : planOneShot(ctx, { ...base, input: req.idea });
  const guidance = req.guidance.trim();
  const record: Record<string, unknown> = { ...plan.presetsRecord, api_model: req.model.name };
  if (guidance) record.guidance = guidance;
  return {
    ...plan,
    messages: guidance ? withGuidance(plan.messages, guidance) : plan.messages,
    presetsRecord: record,
    // A served model answers a node that reads text; its reply is parsed like any text reply.
    structured: false,
    mode: "api",
  };
}
