import { AppError, badInput } from "../app/errors.ts";
import type { LlmClient } from "../llm/types.ts";

/**
 * Whether a model reads images: `declared` when the server lists the `vision` capability,
 * `assumed` when it says nothing about the model's abilities (OpenAI-compatible servers mostly
 * do not), so the image is sent and a refusal is explained afterwards.
 */
export type VisionSupport = "declared" | "assumed";

/** The most models asked about when listing the ones that read images. */
const MAX_MODELS_ASKED = 50;

/** The installed models that read images, and whether the server says what its models can do. */
export interface VisionListing {
  models: string[];
  /** False when no model's capabilities are listed (most OpenAI-compatible servers). */
  declared: boolean;
  /** False when the server did not answer with its models. */
  reachable: boolean;
}

/** The installed models that say they read images (asked in parallel; each answer is cached). */
export async function visionListing(
  llm: Pick<LlmClient, "tags" | "capabilities">,
  signal?: AbortSignal,
): Promise<VisionListing> {
  let names: string[];
  try {
    names = (await llm.tags(signal)).map((m) => m.name).slice(0, MAX_MODELS_ASKED);
  } catch {
    return { models: [], declared: false, reachable: false };
  }
  const caps = await Promise.all(
    names.map((name) => llm.capabilities(name, signal).catch(() => [] as string[])),
  );
  return {
    models: names.filter((_, i) => caps[i]!.includes("vision")),
    declared: caps.some((c) => c.length > 0),
    reachable: true,
  };
}

/** What to do: the models that read images, or how to get one. */
function visionAdvice({ models, declared, reachable }: VisionListing): string {
  if (models.length) return `pick one that does: ${models.join(", ")}`;
  if (!reachable) return "pick a model that reads images once the LLM server answers";
  if (!declared) {
    return "pick a model that reads images (a vision model such as Gemma 3, Qwen2.5-VL or LLaVA); the LLM server does not say which of its models do";
  }
  return 'no installed model reads images; install one (with Ollama: "ollama pull gemma3" or "ollama pull llava") and pick it';
}

/**
 * Checks that a model can read images before anything is decoded or sent. A model whose
 * capabilities are listed without `vision` is a 400 that names the installed ones that have it.
 */
export async function requireVision(
  llm: Pick<LlmClient, "tags" | "capabilities">,
  model: string,
  signal?: AbortSignal,
): Promise<VisionSupport> {
  const caps = await llm.capabilities(model, signal);
  if (caps.includes("vision")) return "declared";
  if (!caps.length) return "assumed";
  const listing = await visionListing(llm, signal);
  const err = badInput(
    `ollama_model: "${model}" cannot read images (the LLM server lists no "vision" capability for it); ${
      visionAdvice(listing)
    }`,
    "model_without_vision",
  );
  err.extra.vision_models = listing.models;
  return await Promise.reject(err);
}

/** Words LLM servers use when they refuse an image (Ollama, llama.cpp, LM Studio, vLLM). */
const REFUSAL_WORDS = ["image", "vision", "multimodal", "mmproj"];

/**
 * Explains an LLM failure for a request that carried an image to a model whose vision was only
 * assumed: when the server's words are about images, it is a 400 saying the model cannot read
 * them, with the server's own words and the models that can.
 */
export async function explainRefusal(
  err: unknown,
  llm: Pick<LlmClient, "tags" | "capabilities">,
  model: string,
): Promise<unknown> {
  if (!(err instanceof AppError) || err.type !== "api_error") return err;
  const said = err.message.toLowerCase();
  if (!REFUSAL_WORDS.some((w) => said.includes(w))) return err;
  const listing = await visionListing(llm);
  listing.models = listing.models.filter((m) => m !== model);
  const refused = badInput(
    `ollama_model: the LLM server refused the image for "${model}", which probably cannot read images (${err.message}); ${
      visionAdvice(listing)
    }`,
    "model_without_vision",
  );
  refused.extra.vision_models = listing.models;
  return refused;
}
