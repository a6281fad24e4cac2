import { createHash } from "node:crypto";
import { AppError } from "../app/errors.ts";
import type { Pack } from "../presets/catalog.ts";
import { systemPrompt, type Target } from "../prompt/targets.ts";

/** The namespace every model we serve is listed under, as in `promptsmith/sdxl:latest`. */
export const NAMESPACE = "promptsmith";

/** What a model answers with: the positive prompt, or the negative prompt of the same generation. */
export type CompatOutput = "positive" | "negative";

/** The suffix of the model part that turns a target into its negative-prompt variant. */
const NEGATIVE_SUFFIX = "-negative";

/** One model the Ollama- and OpenAI-compatible endpoints serve: a target, a pack, an output. */
export interface CompatModel {
  /** The full name with its tag, e.g. `promptsmith/sdxl:ghibli_magic`. */
  name: string;
  /** The name without its tag, e.g. `promptsmith/sdxl-negative`. */
  base: string;
  /** `latest` for the target alone, else the pack id. */
  tag: string;
  target: Target;
  pack: Pack | null;
  output: CompatOutput;
}

/**
 * Every model we serve, in a stable order: per target its plain model (`:latest`, then one tag per
 * pack), then its negative variant the same way when the target takes a negative prompt.
 */
export function compatModels(targets: Target[], packs: Pack[]): CompatModel[] {
  const out: CompatModel[] = [];
  for (const target of targets) {
    const outputs: CompatOutput[] = target.negative ? ["positive", "negative"] : ["positive"];
    for (const output of outputs) {
      const base = `${NAMESPACE}/${target.id}${output === "negative" ? NEGATIVE_SUFFIX : ""}`;
      out.push({ name: `${base}:latest`, base, tag: "latest", target, pack: null, output });
      for (const pack of packs) {
        out.push({ name: `${base}:${pack.id}`, base, tag: pack.id, target, pack, output });
      }
    }
  }
  return out;
}

/** Longest model name we look at; Ollama's own limit is far below the body limit too. */
const MAX_NAME = 256;
// One pass over the name, no nested quantifiers: safe on any input of bounded length.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/]*(?::[A-Za-z0-9_][A-Za-z0-9._-]*)?$/;

/** Whether a model name is well formed (Ollama answers 400 "invalid model name" otherwise). */
export function validModelName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME && NAME.test(name);
}

/** A name as Ollama normalizes it: no tag means `:latest`; case does not matter. */
export function normalizeModelName(name: string): string {
  const lower = name.toLowerCase();
  const slash = lower.lastIndexOf("/");
  return lower.indexOf(":", slash + 1) === -1 ? `${lower}:latest` : lower;
}

/** A model name that names none of ours: a 404 that carries our names, for the reply to list. */
export class UnknownModelError extends AppError {
  /** The name as the client sent it. */
  readonly requested: string;
  /** The model names without tags, e.g. `promptsmith/sdxl`. */
  readonly bases: string[];
  /** The tags every base takes: `latest` and one per pack. */
  readonly tags: string[];

  constructor(requested: string, models: CompatModel[]) {
    const bases = [...new Set(models.map((m) => m.base))];
    const tags = [...new Set(models.map((m) => m.tag))];
    super(
      404,
      "Model not found",
      `model '${requested}' not found; Promptsmith serves ${bases.join(", ")}, each as :latest ` +
        `or with a preset pack as its tag (${tags.filter((t) => t !== "latest").join(", ")})`,
      "model_not_found",
    );
    this.requested = requested;
    this.bases = bases;
    this.tags = tags;
  }
}

/** A name whose target part is an old id or alias (`promptsmith/sd3`) with the target's id instead. */
function canonicalName(models: CompatModel[], wanted: string): string {
  const prefix = `${NAMESPACE}/`;
  if (!wanted.startsWith(prefix)) return wanted;
  const colon = wanted.indexOf(":", prefix.length);
  let part = wanted.slice(prefix.length, colon);
  const negative = part.endsWith(NEGATIVE_SUFFIX);
  if (negative) part = part.slice(0, -NEGATIVE_SUFFIX.length);
  const target = models.find((m) => m.target.aliases.includes(part))?.target;
  if (!target) return wanted;
  return `${prefix}${target.id}${negative ? NEGATIVE_SUFFIX : ""}${wanted.slice(colon)}`;
}

/**
 * Finds the model a request names (tag optional, any case, a target's old id or alias too); an
 * unknown name is an `UnknownModelError`.
 */
export function findCompatModel(models: CompatModel[], requested: string): CompatModel {
  const wanted = normalizeModelName(requested);
  const model = models.find((m) => m.name === wanted) ??
    models.find((m) => m.name === canonicalName(models, wanted));
  if (!model) throw new UnknownModelError(requested, models);
  return model;
}

/** The system prompt a model's one-shot generations start from (shown by `show`, hashed in digests). */
export function modelSystemPrompt(model: CompatModel): string {
  return systemPrompt(model.target, "oneshot");
}

/**
 * A digest of everything that shapes the model's answers (target, pack, output, system prompt and
 * the LLM), so it changes exactly when an edit would change what the model writes.
 */
export function modelDigest(model: CompatModel, llm: string): string {
  return createHash("sha256").update(JSON.stringify([
    model.name,
    model.target,
    model.pack?.selections ?? null,
    model.output,
    modelSystemPrompt(model),
    llm,
  ])).digest("hex");
}

/** A size for listings: the bytes of the instructions and presets the model carries. */
export function modelSize(model: CompatModel): number {
  const text = modelSystemPrompt(model) + JSON.stringify(model.pack?.selections ?? {});
  return new TextEncoder().encode(text).length;
}
