import { badInput } from "./errors.ts";
import type { Catalog } from "./presets.ts";
import type { GenerationOptions } from "./ollama.ts";
import type { Target } from "./targets.ts";
import { systemPrompt } from "./targets.ts";
import { oneShotMessages, type PresetRequest, resolvePresets } from "./prompt_assembly.ts";
import type { GenerationPlan } from "./generation.ts";

/** The target a request names (default `flux`); an unknown id is a 400 listing the valid ones. */
export function findTarget(targets: Target[], id: string | undefined): Target {
  const wanted = (id ?? "flux").toLowerCase();
  const target = targets.find((t) => t.id === wanted);
  if (!target) {
    throw badInput(
      `model: unknown target "${id}"; use one of ${
        targets.map((t) => t.id).join(", ")
      } (GET /api/targets)`,
      "unknown_target",
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
}

/** Validates presets and assembles the messages of a one-shot generation. */
export function planOneShot(
  ctx: { targets: Target[]; catalog: Catalog; defaultModel: string },
  req: OneShotRequest,
): GenerationPlan {
  const target = findTarget(ctx.targets, req.model);
  const presets = resolvePresets(ctx.catalog, req);
  return {
    target,
    ollamaModel: req.ollama_model ?? ctx.defaultModel,
    messages: oneShotMessages(systemPrompt(target, "oneshot"), req.input, presets),
    options: generationOptions(req),
    userInput: req.input,
    presetsRecord: presets.record,
    presetNegatives: target.negative ? presets.negatives : [],
    mode: "oneshot",
  };
}
