import type { GenerationSlots, Requester } from "../app/slots.ts";
import type { LlmClient } from "../llm/types.ts";
import type { NewSourceImage } from "../history/source_images.ts";
import { type ImageReading, toReading } from "../images/image_reading.ts";
import type { ImageProcessor } from "../images/image_workers.ts";
import { checkImage } from "../images/read_metadata.ts";
import { explainRefusal, requireVision, type VisionSupport } from "../images/vision.ts";
import { type PresetRequest, type ResolvedPresets, resolvePresets } from "../prompt/assembly.ts";
import {
  expandIdea,
  findTarget,
  generationOptions,
  type GenerationPlan,
  type OneShotRequest,
  type PlanContext,
  replayable,
} from "../prompt/plans.ts";
import { protectedTerms } from "../prompt/protected_terms.ts";
import { systemPrompt } from "../prompt/targets.ts";
import {
  type GenerateDeps,
  type GenerateOptions,
  generatePrompt,
  streamPrompt,
} from "./generate.ts";
import type { GenerationEvent, GenerationResult } from "./generation.ts";

/** An image-to-prompt request: a one-shot request whose idea is optional direction. */
export interface ImagePromptRequest extends Omit<OneShotRequest, "input"> {
  /** What the user adds to the picture ("as a Ghibli still"); may be empty. */
  input?: string;
}

/** What planning an image prompt touches: the LLM (for its capabilities) and the image workers. */
export interface ImagePromptDeps {
  llm: Pick<LlmClient, "tags" | "capabilities">;
  images: ImageProcessor;
  /** When given with a requester, a client at its generation cap gets the 429 before any decoding. */
  slots?: Pick<GenerationSlots, "check">;
}

/** The upload as the reply describes it: what came in and what went to the model. */
export interface ImageSummary {
  format: string;
  width: number;
  height: number;
  bytes: number;
  sent: { mime: string; width: number; height: number; bytes: number };
}

/** A planned image-to-prompt generation: the plan, and what the model was told about. */
export interface ImagePlan {
  plan: GenerationPlan;
  vision: VisionSupport;
  image: ImageSummary;
  /** What the picture's own metadata said (often nothing, for a photo). */
  reading: ImageReading;
}

const LOOK = "Look at the picture and write the prompt that would make an image like it: " +
  "its subject, setting, composition, light, colours and mood.";
const RESTYLE = "Restyle it with the presets below; where they differ from the picture, " +
  "the presets win.";

/** The user message of an image prompt: the picture as the idea, the direction, the presets. */
export function imageUserMessage(
  direction: string,
  presets: ResolvedPresets,
  keep: string[] = [],
): string {
  const lines = [
    `Idea: the attached picture.${direction ? ` The user adds: ${direction}` : ""}`,
    presets.lines.length ? `${LOOK} ${RESTYLE}` : LOOK,
  ];
  if (presets.lines.length) {
    lines.push(
      "Presets to weave in:\n" + presets.lines.map((l) => `- ${l.label}: ${l.text}`).join("\n"),
    );
  }
  if (keep.length) lines.push(`Keep these exactly as written, in the prompt: ${keep.join(" | ")}`);
  return `${lines.join("\n\n")}\n\nWrite the prompt now.`;
}

/**
 * Plans a prompt written from a picture. Everything cheap is checked before the image is
 * decoded: the file's format and size by its bytes, the target and presets, and that the model
 * reads images. Then the worker scales it for the model and makes the history thumbnail.
 */
export async function planImagePrompt(
  deps: ImagePromptDeps,
  ctx: PlanContext,
  req: ImagePromptRequest,
  bytes: Uint8Array,
  options: { signal?: AbortSignal; requester?: Requester } = {},
): Promise<ImagePlan> {
  const { signal, requester } = options;
  checkImage(bytes);
  const target = findTarget(ctx.targets, req.model);
  const presets: ResolvedPresets = resolvePresets(ctx.catalog, req as PresetRequest);
  const note = req.input?.trim() ?? "";
  const direction = note ? expandIdea(note, req.seed, ctx.wildcards ?? {}) : "";
  const keep = protectedTerms(direction, req.protect);
  const model = req.ollama_model ?? ctx.defaultModel;
  const vision = await requireVision(deps.llm, model, signal);
  if (requester) deps.slots?.check(requester);
  const prepared = await deps.images.prepare(
    bytes,
    { prompt: true, vision: true, thumbnail: true },
    signal,
  );
  const sent = prepared.vision!;
  const thumb = prepared.thumbnail!;
  const reading = toReading(prepared.prompt!);
  const source: NewSourceImage = {
    format: prepared.kind.format,
    width: prepared.kind.width,
    height: prepared.kind.height,
    bytes: prepared.bytes,
    thumbnail: { bytes: thumb.bytes, width: thumb.width, height: thumb.height },
    reading,
  };
  const image: ImageSummary = {
    format: prepared.kind.format,
    width: prepared.kind.width,
    height: prepared.kind.height,
    bytes: prepared.bytes,
    sent: { mime: sent.mime, width: sent.width, height: sent.height, bytes: sent.bytes.length },
  };
  const record = direction === note
    ? presets.record
    : { ...presets.record, expanded_input: direction };
  const plan: GenerationPlan = {
    target,
    ollamaModel: model,
    messages: [
      { role: "system", content: systemPrompt(target, "oneshot") },
      {
        role: "user",
        content: imageUserMessage(direction, presets, keep),
        images: [sent.bytes.toBase64()],
      },
    ],
    options: generationOptions(req),
    userInput: note,
    presetsRecord: {
      ...record,
      image: { format: image.format, width: image.width, height: image.height },
    },
    presetNegatives: target.negative ? presets.negatives : [],
    presets,
    idea: direction || "the attached picture",
    mode: "image",
    protectedTerms: keep,
    request: { ...replayable({ ...req, input: note }), image: image.format },
    source,
  };
  return { plan, vision, image, reading };
}

async function explained(
  err: unknown,
  deps: ImagePromptDeps,
  planned: ImagePlan,
): Promise<unknown> {
  return planned.vision === "assumed"
    ? await explainRefusal(err, deps.llm, planned.plan.ollamaModel)
    : err;
}

/** Writes the prompt for a planned picture and returns it once saved (history keeps the thumbnail). */
export async function generateImagePrompt(
  deps: GenerateDeps & ImagePromptDeps,
  planned: ImagePlan,
  options: Omit<GenerateOptions, "engine" | "fallback">,
): Promise<GenerationResult> {
  try {
    return await generatePrompt(deps, planned.plan, options);
  } catch (err) {
    throw await explained(err, deps, planned);
  }
}

/** Streams the prompt for a planned picture; a server that refuses the image is explained. */
export async function* streamImagePrompt(
  deps: GenerateDeps & ImagePromptDeps,
  planned: ImagePlan,
  options: Omit<GenerateOptions, "engine" | "fallback">,
): AsyncGenerator<GenerationEvent> {
  try {
    yield* streamPrompt(deps, planned.plan, options);
  } catch (err) {
    throw await explained(err, deps, planned);
  }
}
