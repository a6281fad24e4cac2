import { AppError } from "../app/errors.ts";
import type { GenerationSlots, Requester } from "../app/slots.ts";
import type { GenerationPlan } from "../prompt/plans.ts";
import {
  asksForJson,
  replySchema,
  structuredMessages,
  type StructuredPolicy,
} from "./structured.ts";
import {
  canFallBack,
  composeResult,
  generateOnce,
  type GenerationDeps,
  type GenerationEvent,
  type GenerationResult,
  runComposer,
  runGeneration,
  type TurnHooks,
} from "./generation.ts";

/** What the generate use cases touch: a generation's needs plus the slots that cap them. */
export interface GenerateDeps extends GenerationDeps {
  slots: GenerationSlots;
}

/** How one generation runs; a chat turn adds the hooks that keep it (see `TurnHooks`). */
export interface GenerateOptions extends TurnHooks {
  /** `composer` writes the prompt without the LLM (and without a slot: it takes a millisecond). */
  engine?: "ollama" | "composer";
  /** Compose without the LLM when the LLM server cannot be reached. */
  fallback?: boolean;
  /** Whose slot the generation takes. */
  requester: Requester;
  /** Aborts the generation (the client went away, the user pressed Stop). */
  signal?: AbortSignal;
}

/**
 * The reply of a `dry_run`: what would be sent, and nothing sent. With `structured` (the app's
 * policy), a one-shot plan shows the structured request it would make: the JSON rule in the
 * system prompt and the schema in `options.format`.
 */
export function describePlan(plan: GenerationPlan, structured?: StructuredPolicy) {
  const asJson = asksForJson(plan, structured);
  const messages = asJson ? structuredMessages(plan.messages, plan.target) : plan.messages;
  return {
    dry_run: true,
    model: plan.target.id,
    ollama_model: plan.ollamaModel,
    // Images are megabytes of base64: the dry run says what would go, not the bytes.
    messages: messages.map((m) =>
      m.images
        ? { ...m, images: m.images.map((i) => `(an image: ${i.length} base64 characters)`) }
        : m
    ),
    options: asJson ? { ...plan.options, format: replySchema(plan.target) } : plan.options,
    preset_negatives: plan.presetNegatives,
    /** Presets left out because a more specific one of the same kind was chosen, and why. */
    dropped_presets: plan.presets.dropped ?? [],
  };
}

/** A shutdown ends generations with an error that says so; a plain abort stays an abort. */
function reasonOf(signal: AbortSignal, err: unknown): unknown {
  return signal.aborted && signal.reason instanceof AppError ? signal.reason : err;
}

/** Writes one prompt inside a generation slot, and returns it once it is saved. */
export async function generatePrompt(
  deps: GenerateDeps,
  plan: GenerationPlan,
  options: GenerateOptions,
): Promise<GenerationResult> {
  if (options.engine === "composer") return composeResult(deps, plan);
  const slot = deps.slots.acquire(options.requester, options.signal);
  try {
    return await generateOnce(deps, plan, slot.signal, options);
  } catch (err) {
    if (options.fallback && canFallBack(err)) {
      return composeResult(deps, plan, (err as Error).message);
    }
    throw reasonOf(slot.signal, err);
  } finally {
    slot.release();
  }
}

/**
 * Streams one prompt: tokens, reasoning, then `done`. The slot is taken on the first read, so a
 * client at its cap gets the 429 before any event, and it is given back however the stream ends.
 */
export async function* streamPrompt(
  deps: GenerateDeps,
  plan: GenerationPlan,
  options: GenerateOptions,
): AsyncGenerator<GenerationEvent> {
  if (options.engine === "composer") {
    yield* runComposer(deps, plan);
    return;
  }
  const slot = deps.slots.acquire(options.requester, options.signal);
  try {
    yield* runGeneration(deps, plan, slot.signal, options);
  } catch (err) {
    if (!options.fallback || !canFallBack(err)) throw reasonOf(slot.signal, err);
    yield* runComposer(deps, plan, (err as Error).message);
  } finally {
    slot.release();
  }
}
