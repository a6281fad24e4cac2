import type { Emit } from "../../lib/app/runs.ts";
import type { GenerationEvent, GenerationResult } from "../../lib/generate/generation.ts";
import { escapeHtml } from "../../views/escape.ts";

/** Sends a generation's tokens and reasoning to a run's page, escaped; returns the result. */
export async function relayRun(
  emit: Emit,
  events: AsyncGenerator<GenerationEvent>,
): Promise<GenerationResult> {
  for await (const event of events) {
    if ("done" in event) {
      const { done: _done, ...result } = event;
      return result;
    }
    if ("token" in event) emit("token", escapeHtml(event.token));
    // A structured attempt broke: its values leave the page before the text retry streams.
    else if ("reset" in event) emit("reset", "");
    else emit("thinking", escapeHtml(event.thinking));
  }
  throw new DOMException("The generation was stopped", "AbortError");
}
