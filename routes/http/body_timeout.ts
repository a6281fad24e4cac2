import type { MiddlewareHandler } from "hono";
import { AppError } from "../../lib/app/errors.ts";

/** How long a request body may take: between two pieces, and in all. */
export interface BodyTimeouts {
  idleMs: number;
  totalMs: number;
}

function tooSlow(): AppError {
  return new AppError(
    408,
    "Request timeout",
    "The request body stopped arriving, so the server stopped waiting for it: send the whole body at once and try again.",
    "request_timeout",
    // The rest of the body may never come: the connection is closed once the answer is sent.
    { Connection: "close" },
  );
}

function cutOff(): AppError {
  return new AppError(
    400,
    "Invalid request",
    "The request body was cut off before all of it arrived (the connection closed, or less was sent than Content-Length said): send the whole body again.",
    "invalid_request",
    { Connection: "close" },
  );
}

/**
 * The body as it arrives, failing with a 408 when no piece comes for `idleMs` or the whole takes
 * longer than `totalMs` (a body dribbled a byte at a time). The source is cancelled then, so
 * the server answers and closes the connection instead of holding it.
 */
export function timedBody(
  source: ReadableStream<Uint8Array>,
  timeouts: BodyTimeouts,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const deadline = performance.now() + timeouts.totalMs;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const wait = Math.min(timeouts.idleMs, deadline - performance.now());
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), Math.max(0, wait));
      });
      try {
        const next = await Promise.race([reader.read(), late]);
        if (next === "late") {
          reader.cancel().catch(() => {});
          controller.error(tooSlow());
        } else if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (err) {
        // The client closed the connection or sent less than it declared: its request, not us.
        controller.error(err instanceof AppError ? err : cutOff());
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * Puts `timedBody` around every request body, before any route reads it. Deno.serve closes a
 * connection whose headers never finish only after its own fixed time (see DECISIONS.md), but a
 * body is read by us, so this is where a stalled body is noticed.
 */
export function bodyTimeout(timeouts: BodyTimeouts): MiddlewareHandler {
  return async function limitBodyTime(c, next) {
    const body = c.req.raw.body;
    if (body) {
      c.req.raw = new Request(
        c.req.raw,
        { body: timedBody(body, timeouts), duplex: "half" } as
          & RequestInit
          & { duplex: "half" },
      );
    }
    await next();
  };
}
