import { own } from "../app/own.ts";
import { badInput } from "../app/errors.ts";

/** One node of an API-format workflow. */
export interface ComfyNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
}

/** An API-format workflow: node id → node. */
export type ComfyGraph = Record<string, ComfyNode>;

/** Where a prompt is written: a node and one of its text inputs. */
export interface TextSlot {
  node: string;
  input: string;
}

/** What we found in a workflow: where the positive and negative prompts and the seed go. */
export interface WorkflowAnalysis {
  positive: TextSlot[];
  negative: TextSlot[];
  seed: TextSlot[];
  placeholders: string[];
  warnings: string[];
}

const SAMPLERS_WITH_NEGATIVE = new Set(["KSampler", "KSamplerAdvanced", "CFGGuider"]);
// Class types are the workflow's words: Maps, so `toString` or `constructor` finds nothing.
/** Conditioning nodes that pass their input through; the walk continues upstream. */
const PASS_THROUGH = new Map<string, string[]>([
  ["FluxGuidance", ["conditioning"]],
  ["ConditioningZeroOut", ["conditioning"]],
  ["ConditioningSetArea", ["conditioning"]],
  ["ConditioningSetAreaPercentage", ["conditioning"]],
  ["ConditioningSetTimestepRange", ["conditioning"]],
  ["ConditioningCombine", ["conditioning_1", "conditioning_2"]],
  ["ConditioningConcat", ["conditioning_to", "conditioning_from"]],
  ["ConditioningAverage", ["conditioning_to", "conditioning_from"]],
  ["ControlNetApply", ["conditioning"]],
]);
/** Text encoders and the inputs that take the prompt. */
const ENCODERS = new Map<string, string[]>([
  ["CLIPTextEncode", ["text"]],
  ["CLIPTextEncodeFlux", ["clip_l", "t5xxl"]],
  ["CLIPTextEncodeSDXL", ["text_g", "text_l"]],
  ["CLIPTextEncodeSDXLRefiner", ["text"]],
  ["CLIPTextEncodeSD3", ["clip_l", "clip_g", "t5xxl"]],
]);
const SEED_INPUTS = new Map<string, string>([
  ["KSampler", "seed"],
  ["KSamplerAdvanced", "noise_seed"],
  ["RandomNoise", "noise_seed"],
]);

/** The node with this id, if the workflow has one (never something inherited). */
export function nodeOf(graph: ComfyGraph, id: string): ComfyNode | undefined {
  return own(graph, id);
}

/** The value of a node's input, if it has one of that name (never something inherited). */
function inputOf(node: ComfyNode, name: string): unknown {
  return own(node.inputs, name);
}

/** Whether an input value is a link `[source node id, output slot]` rather than a literal. */
export function isLink(v: unknown): v is [string, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "number";
}

/**
 * Checks that a workflow is ComfyUI's API format; the UI format (with `nodes` and `links`
 * lists) is refused with how to export the right one.
 */
export function parseWorkflow(json: unknown): ComfyGraph {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw badInput("workflow: expected a JSON object of nodes (ComfyUI's API format)");
  }
  const obj = json as Record<string, unknown>;
  if (Array.isArray(obj.nodes) && Array.isArray(obj.links)) {
    throw badInput(
      'workflow: this is the ComfyUI editor format; in ComfyUI use Workflow → Export (API) (or enable dev mode and "Save (API Format)"), then upload that file',
      "ui_format_workflow",
    );
  }
  const entries = Object.entries(obj);
  if (!entries.length) throw badInput("workflow: it has no nodes");
  for (const [id, node] of entries) {
    const n = node as Partial<ComfyNode> | null;
    if (
      !n || typeof n !== "object" || typeof n.class_type !== "string" ||
      typeof n.inputs !== "object" || n.inputs === null || Array.isArray(n.inputs)
    ) {
      throw badInput(
        `workflow.${id}: every node needs class_type and inputs (ComfyUI's API format)`,
      );
    }
  }
  return obj as ComfyGraph;
}

/**
 * Walks upstream from a conditioning link to the text encoders that feed it, depth first and
 * left to right. The walk keeps its own stack: a chain of thousands of nodes is data, not
 * recursion, and each node is visited once.
 */
function encodersFrom(graph: ComfyGraph, start: unknown): { slots: TextSlot[]; zeroed: boolean } {
  const result = { slots: [] as TextSlot[], zeroed: false };
  const seen = new Set<string>();
  const stack: unknown[] = [start];
  while (stack.length) {
    const link = stack.pop();
    if (!isLink(link)) continue;
    const id = link[0];
    if (seen.has(id)) continue;
    seen.add(id);
    const node = nodeOf(graph, id);
    if (!node) continue;
    const encoder = ENCODERS.get(node.class_type);
    if (encoder) {
      for (const input of encoder) {
        if (Object.hasOwn(node.inputs, input)) result.slots.push(textTarget(graph, id, input));
      }
      continue;
    }
    const through = PASS_THROUGH.get(node.class_type);
    if (!through) continue;
    if (node.class_type === "ConditioningZeroOut") result.zeroed = true;
    for (let i = through.length - 1; i >= 0; i--) stack.push(inputOf(node, through[i]!));
  }
  return result;
}

/** A text input may itself be a link to a primitive/string node: then that node gets the text. */
function textTarget(graph: ComfyGraph, id: string, input: string): TextSlot {
  const value = inputOf(graph[id]!, input);
  if (isLink(value)) {
    const source = nodeOf(graph, value[0]);
    const key = source &&
      Object.keys(source.inputs).find((k) => typeof source.inputs[k] === "string");
    if (source && key) return { node: value[0], input: key };
  }
  return { node: id, input };
}

function unique(slots: TextSlot[]): TextSlot[] {
  const seen = new Set<string>();
  return slots.filter((s) => {
    const key = `${s.node}.${s.input}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Finds where prompts go: `%prompt%`/`%negative_prompt%`/`%seed%` placeholders when present,
 * otherwise by walking back from every sampler to its text encoders.
 */
export function analyzeWorkflow(graph: ComfyGraph): WorkflowAnalysis {
  const placeholders = new Set<string>();
  const positive: TextSlot[] = [];
  const negative: TextSlot[] = [];
  const seed: TextSlot[] = [];
  const warnings: string[] = [];
  for (const [id, node] of Object.entries(graph)) {
    for (const [input, value] of Object.entries(node.inputs)) {
      if (typeof value !== "string") continue;
      if (value.includes("%prompt%")) {
        (placeholders.add("%prompt%"), positive.push({ node: id, input }));
      }
      if (value.includes("%negative_prompt%")) {
        placeholders.add("%negative_prompt%");
        negative.push({ node: id, input });
      }
      if (value.includes("%seed%")) (placeholders.add("%seed%"), seed.push({ node: id, input }));
    }
  }
  const byPlaceholder = placeholders.has("%prompt%");
  let samplers = 0;
  if (!byPlaceholder) {
    for (const [id, node] of Object.entries(graph)) {
      const type = node.class_type;
      if (SAMPLERS_WITH_NEGATIVE.has(type)) {
        samplers++;
        positive.push(...encodersFrom(graph, inputOf(node, "positive")).slots);
        const neg = encodersFrom(graph, inputOf(node, "negative"));
        if (neg.zeroed) {
          warnings.push(
            `The negative prompt of ${type} (node ${id}) is zeroed out, so it is not sent.`,
          );
        } else negative.push(...neg.slots);
      } else if (type === "BasicGuider") {
        samplers++;
        positive.push(...encodersFrom(graph, inputOf(node, "conditioning")).slots);
        warnings.push(
          `BasicGuider (node ${id}) has no negative prompt (Flux); the negative is not sent.`,
        );
      } else if (type === "SamplerCustomAdvanced" || type === "SamplerCustom") {
        samplers++;
      }
    }
    if (!samplers) {
      warnings.push("No sampler found; use %prompt% in the text input you want filled.");
    }
  }
  if (!placeholders.has("%seed%")) {
    for (const [id, node] of Object.entries(graph)) {
      const input = SEED_INPUTS.get(node.class_type);
      if (input && typeof inputOf(node, input) === "number") seed.push({ node: id, input });
    }
  }
  const pos = unique(positive);
  const negFiltered = unique(negative).filter((n) =>
    !pos.some((p) => p.node === n.node && p.input === n.input)
  );
  if (!pos.length) warnings.push("No positive prompt input was found in this workflow.");
  return {
    positive: pos,
    negative: negFiltered,
    seed: unique(seed),
    placeholders: [...placeholders],
    warnings,
  };
}

/** A copy of the workflow with the prompts and seed written in. */
export function fillWorkflow(
  graph: ComfyGraph,
  analysis: WorkflowAnalysis,
  values: { positive: string; negative: string | null; seed?: number },
): ComfyGraph {
  const out: ComfyGraph = structuredClone(graph);
  const set = (slot: TextSlot, value: string | number, placeholder?: string) => {
    const inputs = out[slot.node]!.inputs;
    const current = inputs[slot.input];
    if (placeholder && typeof current === "string") {
      inputs[slot.input] = current === placeholder
        ? value
        : current.split(placeholder).join(String(value));
    } else {
      inputs[slot.input] = value;
    }
  };
  const byPlaceholder = analysis.placeholders.includes("%prompt%");
  for (const slot of analysis.positive) {
    set(slot, values.positive, byPlaceholder ? "%prompt%" : undefined);
  }
  for (const slot of analysis.negative) {
    set(
      slot,
      values.negative ?? "",
      analysis.placeholders.includes("%negative_prompt%") ? "%negative_prompt%" : undefined,
    );
  }
  if (values.seed !== undefined) {
    for (const slot of analysis.seed) {
      set(slot, values.seed, analysis.placeholders.includes("%seed%") ? "%seed%" : undefined);
    }
  }
  return out;
}
