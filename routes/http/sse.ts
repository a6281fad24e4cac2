import { AppError } from "../../lib/app/errors.ts";
import { log } from "../../lib/app/logger.ts";

const encoder = new TextEncoder();

/** Bytes per shared output buffer that token frames are cut from. */
const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/**
 * Encodes text into a slice of a shared buffer. A fresh ArrayBuffer per token made every young
 * GC sweep thousands of them, which showed up as pauses of a millisecond in the token stream.
 * Slices are never written twice: a full buffer is dropped (and freed once sent) for a new one.
 */
function encodeShared(text: string): Uint8Array {
  const worst = text.length * 3;
  if (worst > SLAB_BYTES / 8) return encoder.encode(text);
  // A consumer that took the buffer for itself (transfer) leaves it detached: start a new one.
  if (slabUsed + worst > SLAB_BYTES || slab.buffer.detached) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const { written } = encoder.encodeInto(text, slab.subarray(slabUsed));
  const out = slab.subarray(slabUsed, slabUsed + written);
  slabUsed += written;
  return out;
}

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

/** One SSE frame with a JSON payload (JSON text never holds a raw line break). */
export function sseFrame(payload: unknown): Uint8Array {
  return encodeShared(sseText({ data: JSON.stringify(payload) }));
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
  const first = await events.next();
  let sentFirst = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(out) {
      try {
        if (!sentFirst) {
          sentFirst = true;
          if (first.done) return out.close();
          out.enqueue(sseFrame(first.value));
          return;
        }
        const next = await events.next();
        if (next.done) out.close();
        else out.enqueue(sseFrame(next.value));
      } catch (err) {
        // A client that left gets nothing more; anyone else is told why the stream ends.
        if (controller.signal.aborted) return;
        try {
          out.enqueue(sseFrame(sseErrorPayload(err)));
          out.close();
        } catch {
          // The client is already gone.
        }
      }
    },
    async cancel() {
      controller.abort();
      await events.return(undefined).catch(() => {});
    },
  });
  return new Response(stream, { headers: SSE_HEADERS });
}
