import type { ComfyGraph, ComfyNode } from "../comfy/workflow.ts";

/**
 * Widget names, in the order the editor stores them in `widgets_values`, for the nodes whose
 * settings and prompts we read. "control_after_generate" is the editor's extra seed widget.
 */
const WIDGETS: Record<string, string[]> = {
  CLIPTextEncode: ["text"],
  CLIPTextEncodeFlux: ["clip_l", "t5xxl", "guidance"],
  CLIPTextEncodeSDXL: [
    "width",
    "height",
    "crop_w",
    "crop_h",
    "target_width",
    "target_height",
    "text_g",
    "text_l",
  ],
  CLIPTextEncodeSDXLRefiner: ["ascore", "width", "height", "text"],
  CLIPTextEncodeSD3: ["clip_l", "clip_g", "t5xxl", "empty_padding"],
  KSampler: [
    "seed",
    "control_after_generate",
    "steps",
    "cfg",
    "sampler_name",
    "scheduler",
    "denoise",
  ],
  KSamplerAdvanced: [
    "add_noise",
    "noise_seed",
    "control_after_generate",
    "steps",
    "cfg",
    "sampler_name",
    "scheduler",
    "start_at_step",
    "end_at_step",
    "return_with_leftover_noise",
  ],
  SamplerCustom: ["add_noise", "noise_seed", "control_after_generate", "cfg"],
  RandomNoise: ["noise_seed", "control_after_generate"],
  KSamplerSelect: ["sampler_name"],
  BasicScheduler: ["scheduler", "steps", "denoise"],
  CFGGuider: ["cfg"],
  FluxGuidance: ["guidance"],
  CheckpointLoaderSimple: ["ckpt_name"],
  UNETLoader: ["unet_name", "weight_dtype"],
  UnetLoaderGGUF: ["unet_name"],
  EmptyLatentImage: ["width", "height", "batch_size"],
  EmptySD3LatentImage: ["width", "height", "batch_size"],
  PrimitiveNode: ["value", "control_after_generate"],
  PrimitiveString: ["value"],
  PrimitiveStringMultiline: ["value"],
  PrimitiveInt: ["value"],
  PrimitiveFloat: ["value"],
};
/** Editor node modes: 2 is muted, 4 is bypassed; neither runs. */
const SKIPPED_MODES = new Set([2, 4]);
const MAX_REROUTES = 64;

interface UiInput {
  name?: unknown;
  link?: unknown;
}

interface UiNode {
  id?: unknown;
  type?: unknown;
  mode?: unknown;
  inputs?: unknown;
  widgets_values?: unknown;
}

/** True when the JSON looks like the editor's workflow format (`nodes` and `links` lists). */
export function isUiWorkflow(json: unknown): json is { nodes: unknown[]; links: unknown[] } {
  if (typeof json !== "object" || json === null) return false;
  const o = json as Record<string, unknown>;
  return Array.isArray(o.nodes) && Array.isArray(o.links);
}

/**
 * Rebuilds an API-format graph from the editor's workflow, as far as the prompt analysis needs:
 * links become [node, slot] inputs (through Reroute nodes), and the widget values of the node
 * types we know get their names. Other nodes keep only their links. Muted and bypassed nodes
 * are left out.
 */
export function apiGraphFromUi(ui: { nodes: unknown[]; links: unknown[] }): ComfyGraph {
  const nodes = new Map<string, UiNode>();
  for (const raw of ui.nodes) {
    const n = raw as UiNode;
    if (typeof n !== "object" || n === null || typeof n.type !== "string") continue;
    if (typeof n.id !== "number" && typeof n.id !== "string") continue;
    if (String(n.id) === "__proto__") continue;
    nodes.set(String(n.id), n);
  }
  const links = new Map<number, [string, number]>();
  for (const raw of ui.links) {
    // [link id, from node, from slot, to node, to slot, type]
    if (!Array.isArray(raw) || typeof raw[0] !== "number") continue;
    links.set(raw[0], [String(raw[1]), Number(raw[2]) || 0]);
  }
  const source = (link: unknown): [string, number] | undefined => {
    let found = typeof link === "number" ? links.get(link) : undefined;
    for (let hops = 0; found && hops < MAX_REROUTES; hops++) {
      const from = nodes.get(found[0]);
      if (from?.type !== "Reroute") return found;
      const input = Array.isArray(from.inputs)
        ? (from.inputs[0] as UiInput | undefined)
        : undefined;
      found = typeof input?.link === "number" ? links.get(input.link) : undefined;
    }
    return found;
  };
  const graph: ComfyGraph = {};
  for (const [id, n] of nodes) {
    const type = n.type as string;
    if (type === "Reroute" || SKIPPED_MODES.has(n.mode as number)) continue;
    const inputs: Record<string, unknown> = {};
    const values = n.widgets_values;
    if (Array.isArray(values)) {
      (Object.hasOwn(WIDGETS, type) ? WIDGETS[type]! : []).forEach((name, i) => {
        if (i < values.length && name !== "control_after_generate") inputs[name] = values[i];
      });
    } else if (typeof values === "object" && values !== null) {
      for (const [name, value] of Object.entries(values)) {
        if (name !== "__proto__") inputs[name] = value;
      }
    }
    for (const raw of Array.isArray(n.inputs) ? n.inputs : []) {
      const input = raw as UiInput;
      const from = source(input?.link);
      const name = input?.name;
      if (typeof name === "string" && name !== "__proto__" && from && nodes.has(from[0])) {
        inputs[name] = from;
      }
    }
    graph[id] = { class_type: type, inputs } satisfies ComfyNode;
  }
  return graph;
}
