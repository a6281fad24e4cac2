import { createHash } from "node:crypto";
import type { Requester } from "../app/slots.ts";
import { type GenerateDeps, streamPrompt } from "../generate/generate.ts";
import type { GenerationResult } from "../generate/generation.ts";
import type { GenerationPlan } from "../prompt/plans.ts";
import { encodeContext } from "./context.ts";
import type { CompatOutput } from "./models.ts";
import type { PairCache } from "./pairs.ts";

/** What serving a model touches: a generation's needs, the slots, and the shared pairs. */
export interface CompatDeps extends GenerateDeps {
  pairs: PairCache;
}

/** How a served model's answer is written: the plain prompt, or both prompts as a JSON object. */
export type AnswerFormat = "text" | "json";

/** An event of a served generation. */
export type CompatEvent =
  /** The LLM began to answer (or a shared result is ready): a stream may send its headers. */
  | { type: "started" }
  /** Reasoning from a thinking LLM, as it arrives. */
  | { type: "thinking"; text: string }
  /** The parsed result; `shared` when it came from the other output's generation. */
  | { type: "done"; result: GenerationResult; shared: boolean };

/** Whose generation this is and how the client can stop it. */
export interface CompatRunOptions {
  requester: Requester;
  signal?: AbortSignal;
}

/**
 * Which generations are the same request, for sharing a reply between the positive and the
 * negative model: same client, same LLM, same messages (idea, presets, guidance, history), same
 * sampling.
 */
function pairKey(requester: Requester, plan: GenerationPlan): string {
  return createHash("sha256").update(JSON.stringify([
    requester.key,
    plan.target.id,
    plan.ollamaModel,
    plan.messages,
    plan.options.seed ?? null,
    plan.options.temperature ?? null,
    plan.options.think ?? null,
  ])).digest("hex");
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The request was cancelled", "AbortError");
}

/** Waits for a promise unless the signal aborts first. */
function unlessAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(abortError(signal));
    signal.addEventListener("abort", stop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
  });
}

/**
 * Runs a served model's plan through `streamPrompt` (so the generation slot, shutdown and history
 * apply), or answers from the generation the other output of the same request made.
 */
export async function* streamCompat(
  deps: CompatDeps,
  plan: GenerationPlan,
  output: CompatOutput,
  options: CompatRunOptions,
): AsyncGenerator<CompatEvent> {
  const key = pairKey(options.requester, plan);
  const shared = deps.pairs.take(key, output);
  if (shared) {
    let result: GenerationResult | null = null;
    try {
      result = await unlessAborted(shared, options.signal);
    } catch (err) {
      if (options.signal?.aborted) throw err;
      // The other half's generation failed: this request makes its own.
    }
    if (result) {
      yield { type: "started" };
      yield { type: "done", result, shared: true };
      return;
    }
  }
  const pending = deps.pairs.start(key, output);
  try {
    let started = false;
    for await (
      const event of streamPrompt(deps, plan, {
        requester: options.requester,
        signal: options.signal,
      })
    ) {
      if ("done" in event) {
        const { done: _done, ...result } = event;
        pending.resolve(result);
        if (!started) yield { type: "started" };
        yield { type: "done", result, shared: false };
        return;
      }
      if (!started) {
        started = true;
        yield { type: "started" };
      }
      if ("thinking" in event) yield { type: "thinking", text: event.thinking };
    }
    // A stream that ends without its result was aborted: say so rather than answer nothing.
    throw abortError(options.signal ?? AbortSignal.abort());
  } finally {
    pending.fail();
  }
}

/** Runs a served model's plan to the end and returns the result. */
export async function generateCompat(
  deps: CompatDeps,
  plan: GenerationPlan,
  output: CompatOutput,
  options: CompatRunOptions,
): Promise<{ result: GenerationResult; shared: boolean }> {
  for await (const event of streamCompat(deps, plan, output, options)) {
    if (event.type === "done") return { result: event.result, shared: event.shared };
  }
  throw abortError(options.signal ?? AbortSignal.abort());
}

/** The text a served model answers with. */
export function answerText(
  result: GenerationResult,
  output: CompatOutput,
  format: AnswerFormat,
): string {
  if (format === "json") {
    return JSON.stringify({ positive: result.positive, negative: result.negative });
  }
  return output === "negative" ? result.negative ?? "" : result.positive;
}

/** The context a generate reply hands back: the turns so far, this one included. */
export function contextAfter(plan: GenerationPlan, result: GenerationResult): number[] {
  return encodeContext([
    ...plan.messages.filter((m) => m.role !== "system"),
    { role: "assistant", content: result.result },
  ]);
}
