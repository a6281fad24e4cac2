import type { Target } from "../prompt/targets.ts";
import type { ComfyGraph } from "./workflow.ts";

/** The model files a workflow loads (checkpoints, UNets, CLIPs), lower-cased, for guessing its family. */
export function modelFiles(graph: ComfyGraph): string[] {
  const out: string[] = [];
  for (const node of Object.values(graph)) {
    for (const key of ["ckpt_name", "unet_name", "clip_name", "clip_name1", "clip_name2"]) {
      const value = node.inputs?.[key];
      if (typeof value === "string") out.push(value.toLowerCase());
    }
  }
  return out;
}

/** Words that give a model family away in a file or workflow name. */
const FAMILY_WORDS: Record<string, RegExp> = {
  flux: /flux/,
  sdxl: /sdxl|\bxl\b|[_-]xl|juggernaut|realvis|dreamshaperxl|illustrious/,
  pony: /pony/,
  sd15: /sd[-_ ]?1[._]?5|v1[-_]5|\bsd15\b/,
  sd3: /sd[-_ ]?3/,
};

/** What a workflow offers for choosing: its name, its model files and whether it takes a negative. */
export interface WorkflowFacts {
  id: number;
  name: string;
  models: string[];
  takesNegative: boolean;
}

/**
 * How well a workflow fits a target: its family named in the workflow's name or model files
 * counts most; a negative input that matches whether the target uses one counts too, so an SDXL
 * prompt does not land in a Flux graph that drops its negative.
 */
export function workflowScore(w: WorkflowFacts, target: Target): number {
  const words = FAMILY_WORDS[target.family] ?? FAMILY_WORDS[target.id];
  const text = `${w.name.toLowerCase()} ${w.models.join(" ")}`;
  let score = 0;
  if (words?.test(text)) score += 4;
  // Pony is an SDXL fine-tune: an SDXL graph suits it better than a Flux one.
  if (target.id === "pony" && FAMILY_WORDS.sdxl!.test(text)) score += 2;
  if (w.takesNegative === target.negative) score += 2;
  return score;
}

/**
 * The workflow to preselect for a target: the one last used for it, if it is still there;
 * else the best fit; ties go to the newest (the list comes newest first).
 */
export function pickWorkflow(
  workflows: WorkflowFacts[],
  target: Target,
  lastUsed?: number,
): WorkflowFacts | undefined {
  const remembered = workflows.find((w) => w.id === lastUsed);
  if (remembered) return remembered;
  let best: WorkflowFacts | undefined;
  let bestScore = -1;
  for (const w of workflows) {
    const score = workflowScore(w, target);
    if (score > bestScore) {
      best = w;
      bestScore = score;
    }
  }
  return best;
}
