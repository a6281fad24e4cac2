import { badInput, notFound } from "../app/errors.ts";
import type { GenerationSlots, Requester } from "../app/slots.ts";
import type { LlmClient } from "../llm/types.ts";
import type { HistoryStore } from "../history/store.ts";
import type { ComfyJob, ComfyService } from "./jobs.ts";

/** What sending to ComfyUI touches. */
export interface SendDeps {
  comfy: ComfyService;
  history: HistoryStore | null;
  llm: Pick<LlmClient, "unload">;
  slots: GenerationSlots;
  /** The LLM to unload when the entry does not name one. */
  defaultModel: string;
}

/** A prompt to send: a history entry's, or one given as text. */
export interface SendInput {
  workflow_id: number;
  history_id?: number;
  positive?: string;
  negative?: string | null;
  seed?: number;
  unload_llm?: boolean;
}

/**
 * Resolves the prompt and queues it on ComfyUI. Freeing the LLM's memory first talks to the LLM
 * server, so it holds a generation slot while it does.
 */
export async function sendToComfy(
  deps: SendDeps,
  input: SendInput,
  requester: Requester,
): Promise<ComfyJob> {
  let positive = input.positive;
  let negative = input.negative ?? null;
  let model = deps.defaultModel;
  if (input.history_id !== undefined) {
    const entry = deps.history?.get(input.history_id);
    if (!entry) throw notFound("Not found", `History item with ID ${input.history_id} not found`);
    positive = entry.positive || entry.generated_output;
    negative = entry.negative;
    model = entry.ollama_model ?? model;
  }
  if (!positive) throw badInput("positive: send a history_id or a positive prompt");
  const unload = input.unload_llm === false ? undefined : async () => {
    const slot = deps.slots.acquire(requester);
    try {
      await deps.llm.unload(model);
    } finally {
      slot.release();
    }
  };
  return await deps.comfy.send({
    workflowId: input.workflow_id,
    positive,
    negative,
    seed: input.seed,
    historyId: input.history_id ?? null,
    unload,
  });
}
