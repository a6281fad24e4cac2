import type { Context } from "hono";
import type { Services } from "../app/services.ts";
import { generationDeps, planContext } from "../app/services.ts";
import type { HistoryEntry } from "./store.ts";
import { planOneShot } from "../prompt/plans.ts";
import { composeResult, generateOnce, promptHash } from "../generate/generation.ts";
import { badInput } from "../app/errors.ts";
import { GenerateSchema } from "../../routes/http/schemas.ts";
import { describeIssue } from "../../routes/http/request_body.ts";
import { trackRequest } from "../../routes/api/generate.ts";

/** The request that made an entry: kept in `request`, or rebuilt from older rows' fields. */
function requestOf(entry: HistoryEntry): Record<string, unknown> {
  if (entry.request) return entry.request;
  const p = entry.presets as Record<string, unknown>;
  const req: Record<string, unknown> = { input: entry.user_input, model: entry.model };
  for (const k of ["style", "artist", "composition", "lighting"]) {
    if (typeof p[k] === "string") req[k] = p[k];
  }
  if (p.hierarchical) req.selections = p.hierarchical;
  if (entry.ollama_model) req.ollama_model = entry.ollama_model;
  if (entry.seed !== null) req.seed = entry.seed;
  if (entry.temperature !== null) req.temperature = entry.temperature;
  return req;
}

/**
 * Runs a history entry again with everything that made it (idea, presets, target, LLM, seed,
 * temperature) and says whether the model or the system prompt changed since.
 */
export async function replayEntry(services: Services, entry: HistoryEntry, c: Context) {
  const raw = requestOf(entry);
  const parsed = GenerateSchema.safeParse(raw);
  if (!parsed.success) {
    throw badInput(`This entry cannot be replayed: ${describeIssue(parsed.error.issues[0]!, raw)}`);
  }
  const plan = planOneShot(planContext(services), parsed.data);
  const deps = generationDeps(services);
  let result;
  if (entry.engine === "composer") {
    result = composeResult(deps, plan);
  } else {
    const { controller, release } = trackRequest(services, c);
    try {
      result = await generateOnce(deps, plan, controller.signal);
    } finally {
      release();
    }
  }
  const saved = result.history_id !== null ? services.history?.get(result.history_id) : null;
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
