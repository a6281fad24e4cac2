import { z } from "zod";
import { readBundledText } from "../app/bundled.ts";
import { formatZodIssue } from "../app/validation.ts";
import { CLIP_CHUNK_TOKENS, encoderId, encoderKind } from "./tokens.ts";

const EncoderSchema = z.object({
  id: z.string().min(1),
  /** Tokens this pipeline reads, when it differs from the encoder's usual limit. */
  limit: z.number().int().positive().optional(),
});

const ExampleSchema = z.object({
  idea: z.string().min(1),
  positive: z.string().min(1),
  negative: z.string().min(1).optional(),
});

const TargetSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]+$/),
  /** Other ids that name this target (old ids keep working: `sd3` is SD 3.5). */
  aliases: z.array(z.string().regex(/^[a-z0-9_.-]+$/)).default([]),
  name: z.string().min(1),
  /** The heading the target is listed under in pickers. */
  group: z.string().min(1),
  family: z.string().min(1),
  medium: z.enum(["image", "video"]),
  style: z.enum(["prose", "tags"]),
  /** How tag targets write people and artists: plain tags, Pony's or Danbooru's conventions. */
  tag_dialect: z.enum(["plain", "pony", "danbooru"]).default("plain"),
  /** Text encoders, the one that carries the prompt first (CLIP for tag targets). */
  encoders: z.array(EncoderSchema).min(1),
  /** CLIP chunks of 75 tokens worth filling; 1 where CLIP sits beside T5 or an LLM. */
  clip_chunks: z.number().int().min(1).max(3).optional(),
  /** Tokens of the first encoder a good prompt fits in. */
  token_budget: z.number().int().positive(),
  description: z.string().min(1),
  /** Tag targets open with them; prose targets end with them. */
  quality_tags: z.array(z.string().min(1)),
  /** The `(tag:w)` range this model takes, or null where weights are not used. */
  weights: z.object({ min: z.number().min(1), max: z.number().max(2) }).nullable(),
  negative_policy: z.enum(["none", "weak", "real"]),
  /** Why the policy is what it is, in one sentence the LLM is told. */
  negative_reason: z.string().min(1),
  default_negative: z.array(z.string().min(1)),
  /** What comes first, second… in this model's prompts. */
  order: z.array(z.string().min(1)).min(3),
  /** This model's own rules; each thing is said once. */
  rules: z.array(z.string().min(1)),
  example: ExampleSchema,
});

type TargetData = z.infer<typeof TargetSchema>;

/** A target image or video model: how its prompts are shaped and what its encoders read. */
export interface Target extends TargetData {
  /** Whether a negative prompt is written at all (`negative_policy` is not `none`). */
  negative: boolean;
  /** The encoders as a label, e.g. "CLIP-L + CLIP-G". */
  encoder: string;
  /** About how many words fit the token budget. */
  word_budget: number;
}

/** Generation modes, each with its own system prompt. */
export type PromptMode = "oneshot" | "chat";

const ENCODER_LABELS: Record<string, string> = {
  "clip-l": "CLIP-L",
  "clip-g": "CLIP-G",
  "t5-xxl": "T5-XXL",
  "umt5-xxl": "umT5-XXL",
  "qwen2.5-vl": "Qwen2.5-VL",
  "llama-3.1": "Llama 3.1",
};

/** An encoder's display name: "CLIP-L", "T5-XXL", "Qwen2.5-VL"… */
export function encoderLabel(id: string): string {
  return ENCODER_LABELS[encoderId(id)] ?? id;
}

/** Words per token: tag prompts spend a token on every comma; prose tokens are near-words. */
function wordsPerToken(kind: string, style: "prose" | "tags"): number {
  return kind === "clip" && style === "tags" ? 0.6 : 0.75;
}

function problemsOf(t: TargetData): string[] {
  const problems: string[] = [];
  const ids: string[] = [];
  for (const e of t.encoders) {
    try {
      ids.push(encoderId(e.id));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length) return problems;
  const first = encoderKind(ids[0]!);
  const hasClip = ids.some((id) => encoderKind(id) === "clip");
  if (t.style === "tags" && first !== "clip") {
    problems.push("encoders: a tag target is read by CLIP first");
  }
  if (hasClip && t.clip_chunks === undefined) problems.push("clip_chunks: required with CLIP");
  if (!hasClip && t.clip_chunks !== undefined) problems.push("clip_chunks: only with CLIP");
  if (first === "clip" && t.token_budget !== CLIP_CHUNK_TOKENS * (t.clip_chunks ?? 1)) {
    problems.push(`token_budget: must be ${CLIP_CHUNK_TOKENS} × clip_chunks for a CLIP target`);
  }
  if (first !== "clip" && hasClip && t.clip_chunks !== 1) {
    problems.push("clip_chunks: CLIP beside T5 or an LLM reads one chunk");
  }
  const limit = t.encoders[0]!.limit;
  if (limit !== undefined && t.token_budget > limit) {
    problems.push("token_budget: larger than what the first encoder reads");
  }
  if (t.negative_policy === "none" && t.default_negative.length) {
    problems.push("default_negative: a target without a negative prompt has none");
  }
  if (t.negative_policy === "none" && t.example.negative) {
    problems.push("example.negative: a target without a negative prompt shows none");
  }
  if (t.negative_policy !== "none" && !t.example.negative) {
    problems.push("example.negative: show the negative prompt this target takes");
  }
  if (t.weights && t.weights.min > t.weights.max) problems.push("weights: min above max");
  return problems;
}

function complete(t: TargetData): Target {
  const first = encoderId(t.encoders[0]!.id);
  const words = Math.round(t.token_budget * wordsPerToken(encoderKind(first), t.style) / 5) * 5;
  return {
    ...t,
    negative: t.negative_policy !== "none",
    encoder: t.encoders.map((e) => ENCODER_LABELS[encoderId(e.id)]).join(" + "),
    word_budget: words,
  };
}

/** Reads and validates `presets/targets.json`; throws with the file and JSON path on a bad edit. */
export function loadTargets(text = readBundledText("presets/targets.json")): Target[] {
  const parsed = z.object({ targets: z.array(TargetSchema).min(1) }).safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`presets/targets.json: ${formatZodIssue(parsed.error.issues[0]!)}`);
  }
  const seen = new Set<string>();
  for (const [i, t] of parsed.data.targets.entries()) {
    const problems = problemsOf(t);
    if (problems.length) throw new Error(`presets/targets.json: targets.${i}.${problems[0]}`);
    for (const name of [t.id, ...t.aliases]) {
      if (seen.has(name)) throw new Error(`presets/targets.json: "${name}" names two targets`);
      seen.add(name);
    }
  }
  return parsed.data.targets.map(complete);
}

/** The target an id or alias names (case-insensitive), or undefined. */
export function lookupTarget(targets: Target[], id: string): Target | undefined {
  const wanted = id.trim().toLowerCase();
  return targets.find((t) => t.id === wanted) ?? targets.find((t) => t.aliases.includes(wanted));
}

/** Each encoder of a target with the limit its pipeline reads, for `countForEncoders`. */
export function encoderLimits(target: Target): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const e of target.encoders) if (e.limit !== undefined) limits[encoderId(e.id)] = e.limit;
  return limits;
}

/** The target's encoder ids, the one that carries the prompt first. */
export function encoderIds(target: Target): string[] {
  return target.encoders.map((e) => encoderId(e.id));
}

/** System prompt templates by `<style>_<mode>`, read on first use and again on reload. */
let templates = new Map<string, string>();

function template(name: string): string {
  let t = templates.get(name);
  if (t === undefined) {
    t = readBundledText(`presets/prompts/${name}.md`).trim();
    templates.set(name, t);
  }
  return t;
}

function lengthRule(t: Target): string {
  const first = ENCODER_LABELS[encoderIds(t)[0]!];
  if (t.style === "tags") {
    const chunks = t.clip_chunks ?? 1;
    return `Stay within ${t.token_budget} CLIP tokens (${
      chunks === 1 ? "one chunk" : `${chunks} chunks`
    } of ${CLIP_CHUNK_TOKENS}), about ${t.word_budget} words; drop the least important tags first.`;
  }
  return `Write at most about ${t.word_budget} words (${t.token_budget} ${first} tokens).`;
}

function weightRule(t: Target): string {
  if (!t.weights) {
    return 'Emphasis comes from wording ("a towering, rust-red door"), never from (word:1.2) weights.';
  }
  const { min, max } = t.weights;
  const usual = Math.min(max, Math.round((min + 0.1) * 10) / 10);
  return `Weight the two to four tags that carry the idea, like (tag:${usual}), between ${min} and ${max}; never weight quality tags.`;
}

function qualityRule(t: Target): string {
  if (t.style === "tags") return `quality tags, exactly: ${t.quality_tags.join(", ")}`;
  if (t.quality_tags.length) return `End with: ${t.quality_tags.join(", ")}.`;
  return "No quality words (masterpiece, best quality, 8k): this model does not use them.";
}

const NEVER_BOTH = "Nothing the positive asks for may appear in the negative.";

function negativeRule(t: Target): string {
  const start = t.default_negative.join(", ");
  switch (t.negative_policy) {
    case "none":
      return `Write no negative prompt. ${t.negative_reason}`;
    case "weak":
      return `Keep the negative prompt to 3 to 6 general faults, starting from: ${start}. ${t.negative_reason} ${NEVER_BOTH}`;
    case "real":
      return `The negative prompt lists up to 16 things to avoid that fit this ${
        t.medium === "video" ? "clip" : "image"
      }, starting from: ${start}. ${t.negative_reason} ${NEVER_BOTH}`;
  }
}

function exampleBlock(t: Target): string {
  const label = t.style === "tags" ? "POSITIVE" : "PROMPT";
  const lines = [`Idea: ${t.example.idea}`, `${label}: ${t.example.positive}`];
  if (t.example.negative) lines.push(`NEGATIVE: ${t.example.negative}`);
  return lines.join("\n");
}

function bullets(items: string[]): string {
  return items.map((r) => `- ${r}`).join("\n");
}

function numbered(items: string[], start = 1): string {
  return items.map((r, i) => `${i + start}. ${r}`).join("\n");
}

/** The template a target and mode use: tags, prose or video, one-shot or chat. */
function templateName(target: Target, mode: PromptMode): string {
  return `${target.medium === "video" ? "video" : target.style}_${mode}`;
}

const MODES: PromptMode[] = ["oneshot", "chat"];

/** The template families: tag and prose images, and video. */
const TEMPLATE_KINDS = ["tags", "prose", "video"] as const;

/**
 * Reads `presets/targets.json` and every system prompt template again and puts them in use:
 * `targets` (the list the app holds) gets the new contents. Everything is read and checked
 * before anything changes, so a broken file throws its problem and the old prompts stay.
 * Returns the prompts now in use as the original app named them: `flux`, `flux_chat`, ….
 */
export function reloadSystemPrompts(targets: Target[], read = readBundledText): string[] {
  let fresh: Target[];
  try {
    fresh = loadTargets(read("presets/targets.json"));
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(
      message.startsWith("presets/targets.json") ? message : `presets/targets.json: ${message}`,
    );
  }
  const texts = new Map<string, string>();
  for (const kind of TEMPLATE_KINDS) {
    for (const mode of MODES) {
      const file = `presets/prompts/${kind}_${mode}.md`;
      const text = read(file).trim();
      if (!text) throw new Error(`${file}: the prompt is empty`);
      texts.set(`${kind}_${mode}`, text);
    }
  }
  templates = texts;
  targets.splice(0, targets.length, ...fresh);
  return [...fresh.map((t) => t.id), ...fresh.map((t) => `${t.id}_chat`)];
}

/** The system prompt for a target and mode, filled from the target's data. */
export function systemPrompt(target: Target, mode: PromptMode): string {
  const order = target.style === "tags"
    ? numbered([qualityRule(target), ...target.order])
    : numbered(target.order);
  const rules = [
    lengthRule(target),
    weightRule(target),
    target.style === "prose" ? qualityRule(target) : "",
    ...target.rules,
    negativeRule(target),
  ].filter(Boolean);
  const values: Record<string, string> = {
    target_name: target.name,
    encoder: target.encoder,
    order,
    rules: bullets(rules),
    example: exampleBlock(target),
    negative_line: target.negative ? "NEGATIVE: <tags>" : "",
  };
  return template(templateName(target, mode))
    // A placeholder alone on its line goes with its line when it is empty.
    .replace(/^\{\{(\w+)\}\}\n/gm, (_, key: string) => values[key] ? `${values[key]}\n` : "")
    .replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? "")
    .replace(/\n{3,}/g, "\n\n");
}
