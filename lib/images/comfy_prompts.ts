import {
  analyzeWorkflow,
  type ComfyGraph,
  type ComfyNode,
  isLink,
  nodeOf,
  type TextSlot,
} from "../comfy/workflow.ts";
import { type GenerationSettings, toNumber } from "./generation_settings.ts";

/** The prompts and settings read back from a ComfyUI graph. */
export interface ComfyReading {
  positive: string;
  negative: string;
  settings: GenerationSettings;
  warnings: string[];
}

const SAMPLERS = new Set([
  "KSampler",
  "KSamplerAdvanced",
  "SamplerCustom",
  "SamplerCustomAdvanced",
]);
/** Model loaders and the input that names the file. */
const LOADERS: Record<string, string> = {
  CheckpointLoaderSimple: "ckpt_name",
  CheckpointLoader: "ckpt_name",
  ImageOnlyCheckpointLoader: "ckpt_name",
  UNETLoader: "unet_name",
  UnetLoaderGGUF: "unet_name",
  DiffusersLoader: "model_path",
};
/** Inputs a primitive-like node keeps its value in, when a setting is linked to one. */
const VALUE_INPUTS = ["value", "seed", "noise_seed", "int", "float", "number", "string", "text"];
const MAX_HOPS = 32;
/**
 * Inputs that hold prompt text. The analysis follows a linked text input to the first string
 * input of the node it comes from, which for a node that computes the text (an LLM node's
 * "model", say) is not the prompt; such slots are reported instead of read.
 */
const TEXT_INPUTS = new Set([
  "text",
  "text_g",
  "text_l",
  "clip_l",
  "clip_g",
  "t5xxl",
  "value",
  "string",
  "prompt",
]);

/** The node a link points at; null for a literal or a link to no node. */
function linked(graph: ComfyGraph, v: unknown): ComfyNode | null {
  return (isLink(v) && nodeOf(graph, v[0])) || null;
}

/** An input's value, following links to primitive nodes (a seed set by a "Seed" node…). */
function scalar(graph: ComfyGraph, value: unknown): string | number | undefined {
  for (let hops = 0; hops < MAX_HOPS; hops++) {
    if (typeof value === "string" || typeof value === "number") return value;
    const found = linked(graph, value);
    if (!found) return undefined;
    const inputs = found.inputs;
    const key = VALUE_INPUTS.find((k) => Object.hasOwn(inputs, k)) ??
      (Object.keys(inputs).length === 1 ? Object.keys(inputs)[0] : undefined);
    if (key === undefined) return undefined;
    value = inputs[key];
  }
  return undefined;
}

/** Walks one input upstream until a node of the wanted kind, through any single-path nodes. */
function upstream(
  graph: ComfyGraph,
  start: unknown,
  via: string[],
  wanted: (node: ComfyNode) => boolean,
): ComfyNode | null {
  let link = start;
  for (let hops = 0; hops < MAX_HOPS; hops++) {
    const found = linked(graph, link);
    if (!found) return null;
    if (wanted(found)) return found;
    const next = via.find((k) => isLink(found.inputs[k]));
    if (!next) return null;
    link = found.inputs[next];
  }
  return null;
}

function readSlots(graph: ComfyGraph, slots: TextSlot[], warnings: string[], what: string): string {
  const texts: string[] = [];
  for (const slot of slots) {
    const node = graph[slot.node];
    const value = node?.inputs[slot.input];
    if (typeof value === "string" && TEXT_INPUTS.has(slot.input.toLowerCase())) {
      if (value.trim() && !texts.includes(value.trim())) texts.push(value.trim());
    } else {
      warnings.push(
        `The ${what} prompt comes from ${
          node?.class_type ?? "a node"
        } (node ${slot.node}), which computes it; it could not be read.`,
      );
    }
  }
  return texts.join("\n\n");
}

function settingsOf(graph: ComfyGraph, sampler: ComfyNode): GenerationSettings {
  const s: GenerationSettings = { other: {} };
  const at = (node: ComfyNode | null, input: string) =>
    node ? scalar(graph, node.inputs[input]) : undefined;
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const inputs = sampler.inputs;
  const guider = linked(graph, inputs.guider);
  let modelLink: unknown = inputs.model;
  if (sampler.class_type === "KSampler" || sampler.class_type === "KSamplerAdvanced") {
    s.seed = toNumber(at(sampler, sampler.class_type === "KSampler" ? "seed" : "noise_seed"));
    s.steps = toNumber(at(sampler, "steps"));
    s.cfg = toNumber(at(sampler, "cfg"));
    s.sampler = text(at(sampler, "sampler_name"));
    s.scheduler = text(at(sampler, "scheduler"));
    s.denoise = toNumber(at(sampler, "denoise"));
  } else {
    // SamplerCustom(Advanced) takes each setting from its own node.
    const custom = sampler.class_type === "SamplerCustom";
    s.seed = toNumber(at(custom ? sampler : linked(graph, inputs.noise), "noise_seed"));
    s.cfg = toNumber(at(custom ? sampler : guider, "cfg"));
    s.sampler = text(at(linked(graph, inputs.sampler), "sampler_name"));
    const sigmas = linked(graph, inputs.sigmas);
    s.steps = toNumber(at(sigmas, "steps"));
    s.scheduler = text(at(sigmas, "scheduler"));
    s.denoise = toNumber(at(sigmas, "denoise"));
    modelLink = guider?.inputs.model ?? sigmas?.inputs.model ?? inputs.model;
  }
  const positive = inputs.positive ?? guider?.inputs.conditioning ?? guider?.inputs.positive;
  const guidance = upstream(
    graph,
    positive,
    ["conditioning", "conditioning_to", "conditioning_1"],
    (n) => n.class_type === "FluxGuidance" || n.class_type === "CLIPTextEncodeFlux",
  );
  s.guidance = toNumber(at(guidance, "guidance"));
  const loader =
    upstream(graph, modelLink, ["model"], (n) => Object.hasOwn(LOADERS, n.class_type)) ??
      Object.values(graph).find((n) => Object.hasOwn(LOADERS, n.class_type)) ?? null;
  if (loader) s.model = text(at(loader, LOADERS[loader.class_type]!));
  const latent = upstream(
    graph,
    inputs.latent_image,
    ["samples", "latent", "pixels"],
    (n) => "width" in n.inputs && "height" in n.inputs,
  );
  s.width = toNumber(at(latent, "width"));
  s.height = toNumber(at(latent, "height"));
  for (const k of Object.keys(s) as (keyof GenerationSettings)[]) {
    if (s[k] === undefined) delete s[k];
  }
  return s;
}

/**
 * Reads a ComfyUI graph back: the texts that reach the sampler's positive and negative
 * encoders (found by the same analysis that fills workflows), and the seed, steps, sampler,
 * CFG, checkpoint and size of the first sampler.
 */
export function readComfyGraph(graph: ComfyGraph): ComfyReading {
  const analysis = analyzeWorkflow(graph);
  const warnings: string[] = [];
  const positive = readSlots(graph, analysis.positive, warnings, "positive");
  const negative = readSlots(graph, analysis.negative, warnings, "negative");
  if (!analysis.positive.length) warnings.push("No positive prompt was found in the graph.");
  const sampler = Object.entries(graph).find(([, n]) => SAMPLERS.has(n.class_type));
  const settings = sampler ? settingsOf(graph, sampler[1]) : { other: {} };
  if (!sampler) warnings.push("No sampler was found, so the settings are unknown.");
  return { positive, negative, settings, warnings };
}
