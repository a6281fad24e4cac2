import { type ComfyGraph, parseWorkflow } from "../comfy/workflow.ts";
import { parseA1111Parameters } from "./a1111_parameters.ts";
import { readComfyGraph } from "./comfy_prompts.ts";
import { apiGraphFromUi, isUiWorkflow } from "./comfy_ui_graph.ts";
import type { GenerationSettings } from "./generation_settings.ts";
import type { ImageText } from "./image_text.ts";
import { readImageMetadata } from "./read_metadata.ts";
import type { ImageKind } from "./sniff.ts";

interface Found {
  positive: string;
  negative: string;
  settings: GenerationSettings;
  warnings: string[];
}

/** Prompts from A1111, Forge and the tools that write their "parameters" text. */
export interface A1111Prompt extends Found {
  source: "a1111";
  /** The text as the image holds it. */
  parameters: string;
}

/** Prompts read from the ComfyUI graph an image carries. */
export interface ComfyPrompt extends Found {
  source: "comfyui";
  /** The API graph, ready to save as a workflow; null when the image has only the editor's. */
  apiGraph: ComfyGraph | null;
  /** The editor's workflow JSON as the image holds it, when present. */
  uiWorkflow: unknown;
}

/** An image without a prompt we know how to read. */
export interface NoPrompt {
  source: "none";
  message: string;
  warnings: string[];
}

/** What an image's metadata says about how it was made. */
export type PromptFound = A1111Prompt | ComfyPrompt | NoPrompt;

/** An image's format and size, and the prompt it carries. */
export type ImagePrompt = PromptFound & { image: ImageKind };

/** More nodes than any real graph has; larger ones are not analysed. */
const MAX_GRAPH_NODES = 5000;
const NO_PROMPT = "No prompt found in this image: it has no A1111 parameters or ComfyUI graph.";
/** Keywords whose text may hold A1111-style parameters. */
const PARAMETER_KEYWORDS = new Set(["usercomment", "comment", "imagedescription", "description"]);

function byKeyword(texts: ImageText[], keyword: string): ImageText | undefined {
  return texts.find((t) => t.keyword.toLowerCase() === keyword);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function comfyFrom(texts: ImageText[], warnings: string[]): ComfyPrompt | null {
  const promptText = byKeyword(texts, "prompt")?.text;
  const workflowText = byKeyword(texts, "workflow")?.text;
  const api = promptText === undefined ? undefined : parseJson(promptText);
  const ui = workflowText === undefined ? undefined : parseJson(workflowText);
  let apiGraph: ComfyGraph | null = null;
  if (api !== undefined && typeof api === "object" && api !== null && !Array.isArray(api)) {
    try {
      apiGraph = parseWorkflow(api);
    } catch (e) {
      warnings.push(`The embedded ComfyUI graph is not usable: ${(e as Error).message}`);
    }
  } else if (promptText !== undefined && workflowText !== undefined) {
    warnings.push("The embedded ComfyUI graph is not valid JSON.");
  }
  const uiWorkflow = isUiWorkflow(ui) ? ui : null;
  if (!apiGraph && !uiWorkflow) return null;
  let graph = apiGraph;
  if (!graph && uiWorkflow) {
    graph = apiGraphFromUi(uiWorkflow);
    warnings.push(
      "Only the editor workflow is embedded; prompts and settings were read from its widgets.",
    );
  }
  const empty: Found = { positive: "", negative: "", settings: { other: {} }, warnings };
  let reading = empty;
  if (Object.keys(graph!).length > MAX_GRAPH_NODES) {
    warnings.push(`The ComfyUI graph has more than ${MAX_GRAPH_NODES} nodes; it was not analysed.`);
  } else {
    try {
      const r = readComfyGraph(graph!);
      reading = { ...r, warnings: [...warnings, ...r.warnings] };
    } catch (e) {
      warnings.push(`The ComfyUI graph could not be analysed (${(e as Error).message}).`);
    }
  }
  return { source: "comfyui", ...reading, apiGraph, uiWorkflow };
}

function a1111From(texts: ImageText[], warnings: string[]): A1111Prompt | null {
  const explicit = byKeyword(texts, "parameters");
  const candidates = explicit
    ? [explicit]
    : texts.filter((t) => PARAMETER_KEYWORDS.has(t.keyword.toLowerCase()));
  for (const t of candidates) {
    const parsed = parseA1111Parameters(t.text);
    const hasSettings = Object.keys(parsed.settings).length > 1 ||
      Object.keys(parsed.settings.other).length > 0;
    if (t === explicit || hasSettings) {
      return { source: "a1111", ...parsed, parameters: t.text, warnings };
    }
  }
  return null;
}

/**
 * Turns the text read from an image into prompts: a ComfyUI graph (API graph first, else the
 * editor workflow) or A1111-style parameters; otherwise a clear "no prompt found".
 */
export function promptFromTexts(texts: ImageText[], warnings: string[] = []): PromptFound {
  const w = [...warnings];
  return comfyFrom(texts, w) ?? a1111From(texts, w) ??
    { source: "none", message: NO_PROMPT, warnings: w };
}

/** Reads the prompt an image file carries (PNG, JPEG or WebP); bad files are a 400. */
export function readImagePrompt(bytes: Uint8Array): ImagePrompt {
  const meta = readImageMetadata(bytes);
  return { ...promptFromTexts(meta.texts, meta.warnings), image: meta.kind };
}
