import { AppError } from "../lib/errors.ts";
import { log } from "../lib/logger.ts";

const encoder = new TextEncoder();

/** One SSE frame with a JSON payload. */
export function sseFrame(payload: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
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
