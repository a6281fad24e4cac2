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

/** One SSE frame with a JSON payload. */
export function sseFrame(payload: unknown): Uint8Array {
  return encodeShared(`data: ${JSON.stringify(payload)}\n\n`);
}

/** The SSE error payload for a failure after the stream has started. */
export function sseErrorPayload(err: unknown): { error: string; type: string } {
  if (err instanceof AppError) return { error: err.message, type: err.type ?? "api_error" };
  log("http").error("Stream failed: {error}", { error: String(err) });
  return { error: "Unexpected error while streaming; try again.", type: "unexpected_error" };
}

/**
 * Streams events as SSE. The first event is awaited before the response is made, so failures
 * that happen at once (Ollama down, unknown model) are plain JSON errors with their status.
 * A client that goes away aborts `controller`, which cancels the upstream request.
 */
export async function sseResponse(
  events: AsyncGenerator<unknown>,
  controller: AbortController,
  onEnd: () => void = () => {},
): Promise<Response> {
  let first: IteratorResult<unknown>;
  try {
    first = await events.next();
  } catch (err) {
    onEnd();
    throw err;
  }
  let ended = false;
  const end = () => {
    if (!ended) {
      ended = true;
      onEnd();
    }
  };
  let sentFirst = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(out) {
      try {
        if (!sentFirst) {
          sentFirst = true;
          if (first.done) {
            end();
            return out.close();
          }
          out.enqueue(sseFrame(first.value));
          return;
        }
        const next = await events.next();
        if (next.done) {
          end();
          out.close();
        } else out.enqueue(sseFrame(next.value));
      } catch (err) {
        end();
        const reason = controller.signal.reason;
        // A client that left gets nothing more; a shutdown tells the client why its stream ends.
        if (controller.signal.aborted && !(reason instanceof AppError)) return;
        try {
          out.enqueue(sseFrame(sseErrorPayload(reason instanceof AppError ? reason : err)));
          out.close();
        } catch {
          // The client is already gone.
        }
      }
    },
    async cancel() {
      controller.abort();
      await events.return(undefined).catch(() => {});
      end();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}
