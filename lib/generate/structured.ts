/**
 * Structured replies: one-shot generation asks the LLM for `{"positive": …, "negative": …}`
 * (Ollama's `format`, OpenAI's `response_format`), shows the string values as they stream, and
 * falls back to the labelled-text request once when the server refuses or the JSON is broken.
 */
import type { ChatMessage } from "../llm/types.ts";
import type { Target } from "../prompt/targets.ts";
import { AppError } from "../app/errors.ts";

/** What `STRUCTURED_OUTPUT` says: ask for JSON always, never, or until a server refuses it. */
export type StructuredSetting = "auto" | "on" | "off";

/** The accepted values of `STRUCTURED_OUTPUT`. */
export const STRUCTURED_SETTINGS: readonly StructuredSetting[] = ["auto", "on", "off"];

/**
 * Whether to ask a model for JSON. `auto` stops asking a model its server refused `format` for
 * (an older Ollama answers 400), so only its first request pays for the retry; `on` asks every
 * time (and still falls back per request); `off` never asks.
 */
export class StructuredPolicy {
  readonly setting: StructuredSetting;
  readonly #refused = new Set<string>();

  constructor(setting: StructuredSetting) {
    this.setting = setting;
  }

  /** Whether to ask `model` for a JSON reply now. */
  use(model: string): boolean {
    if (this.setting === "off") return false;
    return this.setting === "on" || !this.#refused.has(model);
  }

  /** Notes that the server refused `format` for `model`. */
  refused(model: string): void {
    // A bounded memory: a script naming thousands of models cannot grow it without end.
    if (this.#refused.size >= 256) this.#refused.clear();
    this.#refused.add(model);
  }
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
