import { badInput } from "../app/errors.ts";
import type { Catalog } from "../presets/catalog.ts";
import type { ChatMessage, GenerationOptions } from "../llm/types.ts";
import type { Target } from "./targets.ts";
import { lookupTarget, systemPrompt } from "./targets.ts";
import {
  chatUserMessage,
  oneShotMessages,
  type PresetRequest,
  resolvePresets,
} from "./assembly.ts";
import type { HistoryMode } from "../history/store.ts";
import type { NewSourceImage } from "../history/source_images.ts";
import type { ResolvedPresets } from "./assembly.ts";
import { seededRandom, seedFromText } from "./random.ts";
import { protectedTerms } from "./protected_terms.ts";
import { expandWildcards, hasWildcards, UnknownWildcardError } from "./wildcards.ts";
import { presetNegatives } from "./negatives.ts";

/** Everything one generation needs, already validated and assembled. */
export interface GenerationPlan {
  target: Target;
  ollamaModel: string;
  messages: ChatMessage[];
  options: GenerationOptions;
  /** The user's own words, as stored in history. */
  userInput: string;
  /** Preset choices as recorded in history. */
  presetsRecord: Record<string, unknown>;
  /** Negative fragments the chosen presets carry. */
  presetNegatives: string[];
  /** The resolved presets, for the composer. */
  presets: ResolvedPresets;
  /** The idea as sent (after wildcard expansion), for the composer. */
  idea: string;
  mode: HistoryMode;
  sessionId?: string | null;
  /** One-shot generation may ask for a JSON reply (chat and personas stay text). */
  structured?: boolean;
  /** Personas may answer with questions: only a labelled prompt counts as a prompt then. */
  requireLabel?: boolean;
  /** LoRA tags and trigger words that must appear verbatim in the prompt. */
  protectedTerms: string[];
  /** The request as history keeps it, so the entry can be replayed. */
  request: Record<string, unknown>;
  /** The picture the prompt is written from, as history keeps it (a thumbnail, not the upload). */
  source?: NewSourceImage;
}

/**
 * The target a request names by id or alias (default `flux`); an unknown one is a 400 listing
 * the valid ids.
 */
export function findTarget(targets: Target[], id: string | undefined): Target {
  const target = lookupTarget(targets, id ?? "flux");
  if (!target) {
    throw badInput(
      `model: unknown target "${id}"; use one of ${targets.map((t) => t.id).join(", ")}`,
      "unknown_target",
      { list: "targets" },
    );
  }
  return target;
}

/** Options fields of a request, as the Ollama client takes them. */
export function generationOptions(req: {
  temperature?: number;
  seed?: number;
  keep_alive?: string | number;
  think?: boolean;
}): GenerationOptions {
  const options: GenerationOptions = {};
  if (req.temperature !== undefined) options.temperature = req.temperature;
  if (req.seed !== undefined) options.seed = req.seed;
  if (req.keep_alive !== undefined) options.keepAlive = req.keep_alive;
  if (req.think !== undefined) options.think = req.think;
  return options;
}

/** What a one-shot plan is built from. */
export interface OneShotRequest extends PresetRequest {
  input: string;
  model?: string;
  ollama_model?: string;
  temperature?: number;
  seed?: number;
  keep_alive?: string | number;
  think?: boolean;
  protect?: string[];
}

/** The fields of a request that reproduce it, as history keeps them for "Replay". */
export function replayable(req: OneShotRequest): Record<string, unknown> {
  const keys = [
    "input",
    "model",
    "ollama_model",
    "style",
    "artist",
    "composition",
    "lighting",
    "selections",
    "temperature",
    "seed",
    "protect",
  ] as const;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (req[k] !== undefined && req[k] !== "None") out[k] = req[k];
  return out;
}

/** Expands `{a|b}` and `__list__` wildcards with the request's seed (or one derived from the text). */
export function expandIdea(
  text: string,
  seed: number | undefined,
  wildcards: Record<string, string[]>,
  field = "input",
): string {
  if (!hasWildcards(text)) return text;
  try {
    return expandWildcards(text, seededRandom(seed ?? seedFromText(text)), wildcards);
  } catch (err) {
    if (err instanceof UnknownWildcardError) {
      throw badInput(`${field}: ${err.message}`, "unknown_wildcard");
    }
    throw err;
  }
}

/** What plans are built from besides the request. */
export interface PlanContext {
  targets: Target[];
  catalog: Catalog;
  defaultModel: string;
  wildcards?: Record<string, string[]>;
}

/** Validates presets and assembles the messages of a one-shot generation. */
export function planOneShot(ctx: PlanContext, req: OneShotRequest): GenerationPlan {
  const target = findTarget(ctx.targets, req.model);
  const presets = resolvePresets(ctx.catalog, req);
  const idea = expandIdea(req.input, req.seed, ctx.wildcards ?? {});
  const keep = protectedTerms(idea, req.protect);
  return {
    target,
    ollamaModel: req.ollama_model ?? ctx.defaultModel,
    messages: oneShotMessages(systemPrompt(target, "oneshot"), idea, presets, keep),
    protectedTerms: keep,
    request: replayable(req),
    presets,
    idea,
    options: generationOptions(req),
    userInput: req.input,
    presetsRecord: idea === req.input
      ? presets.record
      : { ...presets.record, expanded_input: idea },
    presetNegatives: presetNegatives(target, presets),
    mode: "oneshot",
    structured: true,
  };
}

/** What a chat turn is built from. */
export interface ChatTurnRequest extends Omit<OneShotRequest, "input"> {
  message: string;
}

/** Describes the target for persona prompts, which are written without a target in mind. */
export function targetBrief(target: Target): string {
  const kind = target.medium === "video" ? "video" : "image";
  return [
    `The user's target ${kind} model is ${target.name}: ${target.description}`,
    ...target.rules,
    target.negative
      ? `Give a negative prompt too, starting from: ${target.default_negative.join(", ")}.`
      : `Give no negative prompt: ${target.negative_reason}`,
    "Write the prompt in English whatever language the user writes in, unless they ask for another.",
  ].join(" ");
}

/** Assembles a chat turn: system prompt, the kept history, then the new message with presets. */
export function planChat(
  ctx: PlanContext,
  req: ChatTurnRequest,
  history: ChatMessage[],
  persona?: { id: string; system_prompt: string; supports_presets: boolean },
): GenerationPlan {
  const target = findTarget(ctx.targets, req.model);
  const usePresets = !persona || persona.supports_presets;
  const presets = usePresets
    ? resolvePresets(ctx.catalog, req)
    : { lines: [], negatives: [], record: {} };
  const message = expandIdea(req.message, req.seed, ctx.wildcards ?? {}, "message");
  const keep = protectedTerms(message, req.protect);
  const system = persona
    ? `${persona.system_prompt}\n\n${targetBrief(target)}`
    : systemPrompt(target, "chat");
  const record = persona ? { persona: persona.id, ...presets.record } : presets.record;
  return {
    target,
    ollamaModel: req.ollama_model ?? ctx.defaultModel,
    messages: [
      { role: "system", content: system },
      ...history,
      { role: "user", content: chatUserMessage(message, presets, keep) },
    ],
    protectedTerms: keep,
    request: replayable({ ...req, input: req.message }),
    presets,
    idea: message,
    options: generationOptions(req),
    userInput: req.message,
    presetsRecord: message === req.message ? record : { ...record, expanded_input: message },
    presetNegatives: presetNegatives(target, presets),
    mode: persona ? "persona-chat" : "chat",
  };
}
