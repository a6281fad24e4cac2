import { AppError } from "../../lib/app/errors.ts";
import { log } from "../../lib/app/logger.ts";
import { encodeFrame, frameStream } from "./wire_stream.ts";

/** The fields of one SSE event. */
export interface SseEvent {
  data: string;
  event?: string;
  id?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * The text of one SSE event. Data is split on every line break the SSE grammar knows (`\r\n`,
 * `\r`, `\n`), so text from a model can never end a field early and add `event:` or `id:` lines
 * of its own; the event name is ours and must hold no line break.
 */
export function sseText(e: SseEvent): string {
  let head = "";
  if (e.id !== undefined) head += `id: ${e.id}\n`;
  if (e.event !== undefined) {
    if (LINE_BREAK.test(e.event)) {
      throw new TypeError("Cannot send an SSE event: its name has a line break");
    }
    head += `event: ${e.event}\n`;
  }
  return `${head}data: ${e.data.split(LINE_BREAK).join("\ndata: ")}\n\n`;
}

/** The text of one SSE event with a JSON payload (JSON text never holds a raw line break). */
function jsonEvent(payload: unknown): string {
  return sseText({ data: JSON.stringify(payload) });
}

/** One SSE frame with a JSON payload, encoded. */
export function sseFrame(payload: unknown): Uint8Array {
  return encodeFrame(jsonEvent(payload));
}

/** The SSE error payload for a failure after the stream has started. */
export function sseErrorPayload(err: unknown): { error: string; type: string } {
  if (err instanceof AppError) return { error: err.message, type: err.type ?? "api_error" };
  log("http").error("Stream failed: {error}", { error: String(err) });
  return { error: "Unexpected error while streaming; try again.", type: "unexpected_error" };
}

/** Response headers of every event stream. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

/** An abort controller that follows the request's own signal (the client went away). */
export function abortWithRequest(request: Request): AbortController {
  const controller = new AbortController();
  if (request.signal.aborted) controller.abort();
  else request.signal.addEventListener("abort", () => controller.abort(), { once: true });
  return controller;
}

/**
 * Streams events as SSE. The first event is awaited before the response is made, so failures
 * that happen at once (the LLM down, an unknown model, a client at its cap) are plain JSON errors
 * with their status. A client that goes away aborts `controller`, which cancels the upstream
 * request, and nothing more is sent to it.
 */
export async function sseResponse(
  events: AsyncGenerator<unknown>,
  controller: AbortController,
): Promise<Response> {
  return await frameStream(events, controller, {
    headers: SSE_HEADERS,
    frame: jsonEvent,
    // Told why the stream ends (frameStream sends nothing to a client that left).
    errorFrame: (err) => jsonEvent(sseErrorPayload(err)),
  });
}
