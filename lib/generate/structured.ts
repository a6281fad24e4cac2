/**
 * Structured replies: one-shot generation asks the LLM for `{"positive": …, "negative": …}`
 * (Ollama's `format`, OpenAI's `response_format`), shows the string values as they stream, and
 * falls back to the labelled-text request once when the server refuses or the JSON is broken.
 */
import type { ChatMessage } from "../llm/types.ts";
import type { Target } from "../prompt/targets.ts";
import type { GenerationPlan } from "../prompt/plans.ts";
import { AppError } from "../app/errors.ts";

/** What `STRUCTURED_OUTPUT` says: ask for JSON always, never, or until a server refuses it. */
export type StructuredSetting = "auto" | "on" | "off";

/** The accepted values of `STRUCTURED_OUTPUT`. */
export const STRUCTURED_SETTINGS: readonly StructuredSetting[] = ["auto", "on", "off"];

/** Broken JSON replies in a row after which `auto` stops asking a model for JSON. */
const BROKEN_REPLIES_LIMIT = 3;

/**
 * Whether to ask a model for JSON. `auto` stops asking a model its server refused `format` for
 * (an older Ollama answers 400), or whose replies broke the JSON `BROKEN_REPLIES_LIMIT` times in
 * a row (each costs a second, text request), so only those first requests pay for the retry; one
 * slip between good replies does not stop it. `on` asks every time (and still falls back per
 * request); `off` never asks.
 */
export class StructuredPolicy {
  readonly setting: StructuredSetting;
  /** Per model: broken replies in a row; a refusal counts as the limit at once. */
  readonly #failures = new Map<string, number>();

  constructor(setting: StructuredSetting) {
    this.setting = setting;
  }

  /** Whether to ask `model` for a JSON reply now. */
  use(model: string): boolean {
    if (this.setting === "off") return false;
    return this.setting === "on" || (this.#failures.get(model) ?? 0) < BROKEN_REPLIES_LIMIT;
  }

  /** Notes that the server refused `format` for `model`. */
  refused(model: string): void {
    this.#note(model, BROKEN_REPLIES_LIMIT);
  }

  /** Notes that `model`'s reply to a structured request was not one whole JSON object. */
  broken(model: string): void {
    this.#note(model, (this.#failures.get(model) ?? 0) + 1);
  }

  /** Notes that `model` answered a structured request with whole JSON: its slips start again. */
  held(model: string): void {
    this.#failures.delete(model);
  }

  #note(model: string, failures: number): void {
    // A bounded memory: a script naming thousands of models cannot grow it without end.
    if (this.#failures.size >= 256 && !this.#failures.has(model)) this.#failures.clear();
    this.#failures.set(model, failures);
  }
}

/** Whether `plan`'s request asks for JSON: a one-shot plan, and the policy says ask its model. */
export function asksForJson(
  plan: Pick<GenerationPlan, "structured" | "ollamaModel">,
  policy: StructuredPolicy | undefined,
): boolean {
  return plan.structured === true && (policy?.use(plan.ollamaModel) ?? false);
}

/** The JSON schema of a reply for `target`: `positive`, and `negative` only when it takes one. */
export function replySchema(target: Pick<Target, "negative">): Record<string, unknown> {
  const properties: Record<string, unknown> = { positive: { type: "string" } };
  if (target.negative) properties.negative = { type: "string" };
  return {
    type: "object",
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
}

/**
 * The messages of a structured request: the same conversation, with the answer's shape said at
 * the end of the system prompt too (a model told only by the schema stuffs labels into values).
 */
export function structuredMessages(
  messages: ChatMessage[],
  target: Pick<Target, "negative">,
): ChatMessage[] {
  const shape = target.negative
    ? '{"positive": "<the prompt>", "negative": "<the negative prompt>"}'
    : '{"positive": "<the prompt>"}';
  // The templates end with a labelled answer format; this replaces it rather than adding to it.
  const rule = "Instead of that answer format, answer with one JSON object and nothing else: " +
    `${shape}. The values hold only the prompt text, with no labels, notes or markdown.`;
  const at = messages.findIndex((m) => m.role === "system");
  if (at < 0) return [{ role: "system", content: rule }, ...messages];
  return messages.map((m, i) => i === at ? { ...m, content: `${m.content}\n\n${rule}` } : m);
}

/** Whether an LLM error is the server refusing the `format` it was sent (not any other 400). */
export function isFormatRefusal(err: unknown): boolean {
  if (!(err instanceof AppError)) return false;
  if (err.type === "format_refused") return true;
  // Ollama before structured outputs answers 400 (a later one 500 "invalid format") for a
  // schema it cannot take; other 400s (an unknown model, thinking) name something else.
  return err.message.toLowerCase().includes("format");
}

/** A structured reply that did not hold one whole JSON object. */
export class BrokenJsonReply extends Error {
  constructor(why: string) {
    super(`the structured reply was not valid JSON: ${why}`);
    this.name = "BrokenJsonReply";
  }
}
