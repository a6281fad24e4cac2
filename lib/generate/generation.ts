import type { GenerationStats, LlmClient } from "../llm/types.ts";
import type { GenerationPlan } from "../prompt/plans.ts";
import { parseReply, type ReplyKind } from "../prompt/reply_parser.ts";
import { CloseTagHider, splitThinking } from "../prompt/thinking.ts";
import { type JsonFieldText, JsonReplyStream } from "../prompt/json_reply_stream.ts";
import {
  asksForJson,
  BrokenJsonReply,
  isFormatRefusal,
  replySchema,
  structuredMessages,
  type StructuredPolicy,
} from "./structured.ts";
import { type HistoryStore, isStorageFull, storageFull } from "../history/store.ts";
import { mergeNegatives, presetTexts } from "../prompt/negatives.ts";
import { log } from "../app/logger.ts";
import { compose } from "../prompt/composer.ts";
import { AppError } from "../app/errors.ts";
import { createHash } from "node:crypto";
import { restoreTerms, withoutLoraTags } from "../prompt/protected_terms.ts";
import { countForTarget } from "../prompt/target_tokens.ts";
import type { EncoderCount } from "../prompt/tokens.ts";

/** The final result of a generation. */
export interface GenerationResult {
  /** Which engine wrote the prompt: the LLM, or the built-in composer. */
  engine: "ollama" | "composer";
  /** Why the composer stood in for the LLM, when it did. */
  fallback_reason?: string;
  result: string;
  /** What the reply turned out to be: a prompt, a question, only reasoning, or nothing. */
  reply_kind: ReplyKind;
  /** Said to the user when the reply holds no prompt (only reasoning, or nothing at all). */
  message?: string;
  positive: string;
  negative: string | null;
  /** What the model said besides the prompt (explanations, remarks, a question it asked). */
  notes: string | null;
  /** Other prompts the model offered (variations, alternates), each usable on its own. */
  alternates: string[];
  thinking: string | null;
  stats: GenerationStats;
  history_id: number | null;
  /** Set when the disk was full: what was not saved (the prompt, the chat turn) and what to do. */
  not_saved?: NotSaved;
  /** Protected terms the LLM dropped and we put back. */
  restored?: string[];
  /** The positive prompt's tokens for each of the target's encoders, with CLIP chunks. */
  tokens?: EncoderCount[];
}

/** What could not be saved because the disk was full, in the error shape's words. */
export interface NotSaved {
  type: "storage_full";
  message: string;
}

/** Notes on a result that something was not saved for a full disk; both parts are named. */
function noteNotSaved(result: GenerationResult, what: string): void {
  const before = result.not_saved ? "this prompt was not saved to History, and " : "";
  result.not_saved = { type: "storage_full", message: storageFull(`${before}${what}`).message };
}

/** A streamed generation event, in the shape the SSE routes send. */
export type GenerationEvent =
  | { token: string }
  | { thinking: string }
  /**
   * A structured attempt failed and the reply starts again as labelled text: what was shown so far
   * (partial JSON values, if any) is void, and the tokens that follow are raw text.
   */
  | { reset: true }
  | ({ done: true } & GenerationResult);

/** What a generation touches: the LLM client and, when available, the history store. */
export interface GenerationDeps {
  llm: LlmClient;
  history: HistoryStore | null;
  /** Whether one-shot plans ask for a JSON reply (`STRUCTURED_OUTPUT`); text when absent. */
  structured?: StructuredPolicy;
  /** Looks up the installed model's digest, for reproducibility records. */
  digestOf?: (model: string) => Promise<string | null>;
}

/** What a generation had written when it ended early, and why it ended. */
export interface PartialReply {
  /** The reply so far (reasoning removed); may be empty. */
  result: string;
  thinking: string | null;
  /** `stopped`: the user pressed Stop, the client went away or the app shut down. */
  reason: "stopped" | "error";
}

/** Hooks that keep a chat turn with its result, or with what there was when it ended early. */
export interface TurnHooks {
  /** Called once the result is in history (`history_id` set), e.g. to store a chat turn. */
  onDone?: (result: GenerationResult) => Promise<void>;
  /** Called when the generation ends early, with the reply so far. */
  onStopped?: (partial: PartialReply) => Promise<void>;
}

async function keepPartial(hooks: TurnHooks, partial: PartialReply): Promise<void> {
  if (!hooks.onStopped) return;
  try {
    await hooks.onStopped(partial);
  } catch (err) {
    // The generation's own ending (an abort, an error) is what the caller must see.
    log("generation").error("Could not keep a stopped reply: {error}", { error: String(err) });
  }
}

/**
 * Runs a plan against Ollama, yielding tokens as they arrive and a final `done` event after
 * the result is parsed and saved. An aborted signal stops it before anything is saved in
 * history; `hooks.onStopped` gets the reply so far however it ends early (abort, error, or a
 * consumer that stops reading).
 */
export async function* runGeneration(
  deps: GenerationDeps,
  plan: GenerationPlan,
  signal: AbortSignal,
  hooks: TurnHooks = {},
): AsyncGenerator<GenerationEvent> {
  const started = performance.now();
  // Ideas are the user's private words: only DEBUG logs them.
  log("generation").debug("Generating with {model} for {input}", {
    model: plan.ollamaModel,
    input: plan.userInput.slice(0, 80),
  });
  // Looked up while the model writes, so the final event never waits on it.
  const digest = deps.digestOf?.(plan.ollamaModel).catch(() => null) ?? Promise.resolve(null);
  const reply: Reply = { raw: "", shown: "", thinking: "", stats: {} };
  let ended: PartialReply["reason"] | "done" = "stopped";
  const structured = asksForJson(plan, deps.structured);
  try {
    if (structured) {
      try {
        yield* streamReply(deps, plan, signal, reply, true);
        if (reply.json) deps.structured?.held(plan.ollamaModel);
      } catch (err) {
        if (signal.aborted || !(err instanceof BrokenJsonReply || isFormatRefusal(err))) throw err;
        if (err instanceof BrokenJsonReply) deps.structured?.broken(plan.ollamaModel);
        else deps.structured?.refused(plan.ollamaModel);
        log("generation").warn(
          "{model} gave no structured reply ({why}); asking again for labelled text",
          { model: plan.ollamaModel, why: err instanceof Error ? err.message : String(err) },
        );
        Object.assign(reply, { raw: "", shown: "", thinking: "", stats: {}, json: false });
        // Partial values already on screen must not run into the labelled text that follows.
        yield { reset: true };
        yield* streamReply(deps, plan, signal, reply, false);
      }
    } else yield* streamReply(deps, plan, signal, reply, false);
    if (!signal.aborted) ended = "done";
  } catch (err) {
    if (!signal.aborted) ended = "error";
    throw err;
  } finally {
    // Also reached when the consumer stops reading at a yield: that is a stop too.
    if (ended !== "done") {
      await keepPartial(hooks, {
        // A structured reply so far is its values; a text one is kept minus its reasoning.
        result: reply.asked ? reply.shown.trim() : splitThinking(reply.raw).content.trim(),
        thinking: reply.thinking.trim() || null,
        reason: ended,
      });
    }
  }
  if (signal.aborted) return;
  const { raw, thinking, stats } = reply;
  // A structured reply's text is what was shown (its string values); a text reply is kept whole.
  const replyText = structuredOk(reply) ? reply.shown.trim() : splitThinking(raw).content.trim();
  const parsed = parseReply(raw, {
    style: plan.target.style,
    negative: plan.target.negative,
    requireLabel: plan.requireLabel,
  });
  const isPrompt = parsed.kind === "prompt" && parsed.positive !== "";
  // Reasoning the server sent apart counts too: a reply with nothing else was only reasoning.
  const kind: ReplyKind = parsed.kind === "empty" && thinking.trim()
    ? "reasoning_only"
    : parsed.kind;
  if (!isPrompt) parsed.positive = "";
  const kept = isPrompt
    ? restoreTerms(parsed.positive, plan.protectedTerms, plan.target.style)
    : { positive: parsed.positive, restored: [] };
  parsed.positive = kept.positive;
  const negative = plan.target.negative && isPrompt
    ? mergeNegatives(
      parsed.negative,
      plan.presetNegatives,
      plan.target.default_negative,
      positiveTexts(plan, parsed.positive),
    )
    : null;
  const result: GenerationResult = {
    engine: "ollama",
    result: replyText,
    reply_kind: isPrompt ? "prompt" : kind,
    positive: parsed.positive,
    negative,
    notes: parsed.notes,
    alternates: isPrompt ? parsed.alternates : [],
    thinking: thinking.trim() || parsed.thinking || null,
    stats: {
      ...stats,
      total_duration_ms: stats.total_duration_ms ?? Math.round(performance.now() - started),
    },
    history_id: null,
  };
  const message = MESSAGES[result.reply_kind];
  if (message) result.message = message;
  if (kept.restored.length) result.restored = kept.restored;
  if (result.positive) result.tokens = tokensOf(plan, result.positive);
  // History keeps prompts: a reply with none (only reasoning, a question, nothing) is not one.
  result.history_id = isPrompt ? saveToHistory(deps.history, plan, result, await digest) : null;
  if (hooks.onDone) {
    try {
      await hooks.onDone(result);
    } catch (err) {
      // The reply is written: a full disk costs the saved turn, never the reply itself.
      if (!isStorageFull(err)) throw err;
      log("chat").error("Could not save a chat turn: {error}", { error: String(err) });
      noteNotSaved(
        result,
        "this chat turn was not saved, so the next message will not remember it",
      );
    }
  }
  yield { done: true, ...result };
}

/** A reply as it streams in: the text as sent, the text shown, reasoning and stats. */
interface Reply {
  raw: string;
  shown: string;
  thinking: string;
  stats: GenerationStats;
  /** The request asked for JSON. */
  asked?: boolean;
  /** The reply is a whole JSON object (a structured request that worked). */
  json?: boolean;
}

function structuredOk(reply: Reply): boolean {
  return reply.json === true;
}

/**
 * Streams one request into `reply`, yielding what the user may see: the text without reasoning
 * tags, or for a structured request only the JSON's string values (the negative after a blank
 * line). A structured reply that is not one whole JSON object throws `BrokenJsonReply`, as soon
 * as the text shows it is not one (its request ended), else at its end.
 */
async function* streamReply(
  deps: GenerationDeps,
  plan: GenerationPlan,
  signal: AbortSignal,
  reply: Reply,
  structured: boolean,
): AsyncGenerator<GenerationEvent> {
  reply.asked = structured;
  const messages = structured ? structuredMessages(plan.messages, plan.target) : plan.messages;
  const options = structured ? { ...plan.options, format: replySchema(plan.target) } : plan.options;
  // The client lets tags it does not pair through; the reply keeps them for the parse.
  const hider = new CloseTagHider();
  const json = structured ? new JsonReplyStream() : null;
  let negativeStarted = false;
  // Plain functions, not nested generators: this runs for every token of every stream.
  const values = (list: JsonFieldText[]): string => {
    let text = "";
    for (const piece of list) {
      if (piece.field === "positive" || negativeStarted) text += piece.text;
      else {
        // The negative goes after a blank line, once it has more than spaces to show.
        const rest = piece.text.trimStart();
        if (!rest) continue;
        negativeStarted = true;
        text += `\n\n${rest}`;
      }
    }
    return text;
  };
  const visible = (text: string): string => json ? values(json.push(text)) : text;
  for await (const event of deps.llm.chat(plan.ollamaModel, messages, options, signal)) {
    if (event.type === "content") {
      reply.raw += event.text;
      const token = visible(hider.push(event.text));
      if (token) {
        reply.shown += token;
        yield { token };
      }
      // The text retry is certain now: leaving the loop ends the request instead of waiting out
      // a reply nobody will see.
      if (json?.notJson) break;
    } else if (event.type === "thinking") {
      reply.thinking += event.text;
      yield { thinking: event.text };
    } else {
      reply.stats = event.stats;
    }
  }
  if (signal.aborted) return;
  const rest = visible(hider.flush()) + (json ? values(json.end()) : "");
  if (rest) {
    reply.shown += rest;
    yield { token: rest };
  }
  if (json) {
    if (json.state !== "done") {
      throw new BrokenJsonReply(json.error ?? "the JSON object never closed");
    }
    reply.json = true;
  }
}

/** What the user is told when a reply holds no prompt. */
const MESSAGES: Partial<Record<ReplyKind, string>> = {
  reasoning_only: "The model's reply was only reasoning: it stopped before writing a prompt. " +
    "Its reasoning is kept under Model reasoning; generate again, or allow it more tokens.",
  empty: "The model sent an empty reply. Generate again, or try another model.",
};

/** What a negative prompt must not contradict: the positive and the chosen presets' texts. */
function positiveTexts(plan: GenerationPlan, positive: string): string[] {
  return [positive, ...presetTexts(plan.presets.lines)];
}

/** The positive's token counts for the plan's target; the protected terms are what matters most. */
function tokensOf(plan: GenerationPlan, positive: string): EncoderCount[] {
  return countForTarget(positive, plan.target, plan.protectedTerms);
}

/** A short hash of the system prompt, so a replay can tell whether the instructions changed. */
export function promptHash(plan: GenerationPlan): string {
  const system = plan.messages.find((m) => m.role === "system")?.content ?? "";
  return createHash("sha256").update(system).digest("hex").slice(0, 16);
}

function saveToHistory(
  history: HistoryStore | null,
  plan: GenerationPlan,
  result: GenerationResult,
  digest: string | null = null,
): number | null {
  if (!history) return null;
  try {
    return history.add({
      user_input: plan.userInput,
      generated_output: result.result,
      positive: result.positive,
      negative: result.negative,
      model: plan.target.id,
      ollama_model: result.engine === "ollama" ? plan.ollamaModel : null,
      presets: plan.presetsRecord,
      mode: plan.mode,
      engine: result.engine,
      seed: plan.options.seed ?? null,
      temperature: plan.options.temperature ?? null,
      eval_count: result.stats.eval_count ?? null,
      prompt_eval_count: result.stats.prompt_eval_count ?? null,
      duration_ms: result.stats.total_duration_ms ?? null,
      session_id: plan.sessionId ?? null,
      ollama_digest: result.engine === "ollama" ? digest : null,
      prompt_hash: result.engine === "ollama" ? promptHash(plan) : null,
      request: plan.request,
      source_image: plan.source ?? null,
      alternates: result.alternates,
      notes: result.notes,
    });
  } catch (err) {
    // Losing the history row must not cost the user the prompt they just waited for; a full
    // disk is said to them (`not_saved`), other failures leave `history_id` null as before.
    log("history").error("Could not save a history entry: {error}", { error: String(err) });
    if (isStorageFull(err)) noteNotSaved(result, "this prompt was not saved to History");
    return null;
  }
}

/** Runs a plan to the end and returns only the final result (the non-streaming routes). */
export async function generateOnce(
  deps: GenerationDeps,
  plan: GenerationPlan,
  signal: AbortSignal,
  hooks: TurnHooks = {},
): Promise<GenerationResult> {
  for await (const event of runGeneration(deps, plan, signal, hooks)) {
    if ("done" in event) {
      const { done: _done, ...result } = event;
      return result;
    }
  }
  throw new DOMException("The request was cancelled", "AbortError");
}

/** Writes the prompt with the built-in composer (no LLM) and saves it like any other result. */
export function composeResult(
  deps: Pick<GenerationDeps, "history">,
  plan: GenerationPlan,
  fallbackReason?: string,
): GenerationResult {
  const started = performance.now();
  const composed = compose({
    idea: withoutLoraTags(plan.idea),
    target: plan.target,
    presets: plan.presets,
    seed: plan.options.seed,
  });
  const kept = restoreTerms(composed.positive, plan.protectedTerms, plan.target.style);
  composed.positive = kept.positive;
  const result: GenerationResult = {
    engine: "composer",
    reply_kind: "prompt",
    result: composed.negative === null
      ? composed.positive
      : `POSITIVE: ${composed.positive}\nNEGATIVE: ${composed.negative}`,
    positive: composed.positive,
    negative: composed.negative,
    notes: composed.note,
    alternates: [],
    thinking: null,
    stats: { total_duration_ms: Math.round(performance.now() - started) },
    history_id: null,
  };
  if (fallbackReason) result.fallback_reason = fallbackReason;
  if (result.positive) result.tokens = tokensOf(plan, result.positive);
  result.history_id = saveToHistory(deps.history ?? null, plan, result);
  return result;
}

/** The composer as a stream: the prompt word by word, then `done`, like the LLM path. */
export async function* runComposer(
  deps: Pick<GenerationDeps, "history">,
  plan: GenerationPlan,
  fallbackReason?: string,
): AsyncGenerator<GenerationEvent> {
  const result = composeResult(deps, plan, fallbackReason);
  for (const word of result.result.match(/\S+\s*/g) ?? []) yield { token: word };
  yield { done: true, ...result };
}

/** True for failures where the composer may stand in: Ollama unreachable. */
export function canFallBack(err: unknown): boolean {
  return err instanceof AppError && err.type === "connection_error";
}
