import type { HistoryEntry, HistoryStore } from "./store.ts";
import { type OneShotRequest, type PlanContext, planOneShot } from "../prompt/plans.ts";
import { promptHash } from "../generate/generation.ts";
import { type GenerateDeps, generatePrompt } from "../generate/generate.ts";
import type { Requester } from "../app/slots.ts";
import { badInput } from "../app/errors.ts";

/** The request that made an entry: kept in `request`, or rebuilt from older rows' fields. */
export function requestOf(entry: HistoryEntry): Record<string, unknown> {
  if (entry.request) return entry.request;
  const p = entry.presets as Record<string, unknown>;
  const req: Record<string, unknown> = { input: entry.user_input, model: entry.model };
  for (const k of ["style", "artist", "composition", "lighting"]) {
    if (Object.hasOwn(p, k) && typeof p[k] === "string") req[k] = p[k];
  }
  if (Object.hasOwn(p, "hierarchical")) req.selections = p.hierarchical;
  if (entry.ollama_model) req.ollama_model = entry.ollama_model;
  if (entry.seed !== null) req.seed = entry.seed;
  if (entry.temperature !== null) req.temperature = entry.temperature;
  return req;
}

/** What a replay touches: plans, generation and the history it reads back. */
export interface ReplayDeps extends GenerateDeps {
  planContext: PlanContext;
  history: HistoryStore | null;
  /**
   * Validates a stored request as a new one would be (rows may come from an import, or from an
   * older version); throws the 400 that says what is wrong with it.
   */
  parseRequest: (raw: Record<string, unknown>) => OneShotRequest;
}

/**
 * Runs a history entry again with everything that made it (idea, presets, target, LLM, seed,
 * temperature) and says whether the model or the system prompt changed since.
 */
export async function replayEntry(
  deps: ReplayDeps,
  entry: HistoryEntry,
  options: { requester: Requester; signal?: AbortSignal },
) {
  if (entry.mode === "image" || entry.mode === "image-read") {
    throw badInput(
      `This entry cannot be replayed: it was ${
        entry.mode === "image" ? "written from" : "read from"
      } a picture, and pictures are not kept (only a thumbnail); give the picture again to make a new one.`,
      "not_replayable",
    );
  }
  const plan = planOneShot(deps.planContext, deps.parseRequest(requestOf(entry)));
  const result = await generatePrompt(deps, plan, {
    engine: entry.engine === "composer" ? "composer" : "ollama",
    requester: options.requester,
    signal: options.signal,
  });
  const saved = result.history_id !== null ? deps.history?.get(result.history_id) : null;
  return {
    model: plan.target.id,
    ollama_model: result.engine === "ollama" ? plan.ollamaModel : null,
    ...result,
    replay_of: entry.id,
    same_prompt: result.positive === entry.positive,
    same_model_digest: entry.ollama_digest === null
      ? null
      : saved?.ollama_digest === entry.ollama_digest,
    same_system_prompt: entry.prompt_hash === null ? null : promptHash(plan) === entry.prompt_hash,
  };
}
