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

/**
 * The body as it arrives, failing with a 408 when no piece comes for `idleMs` or the whole takes
 * longer than `totalMs` (a body dribbled a byte at a time). Only time spent waiting for the client
 * counts, not time the route takes between reads. The source is cancelled then, so the server
 * answers and closes the connection instead of holding it.
 */
export function timedBody(
  source: ReadableStream<Uint8Array>,
  timeouts: BodyTimeouts,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const deadline = performance.now() + timeouts.totalMs;
  /** When the pending read began; -1 while none is pending. */
  let waitingSince = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let late = false;
  let out: ReadableStreamDefaultController<Uint8Array>;
  const limit = () => Math.min(waitingSince + timeouts.idleMs, deadline);
  // One timer per body, armed again only when it fires before its time: a piece that arrives
  // costs no timer and no race (a small JSON body is read with one timer in all).
  const check = () => {
    timer = undefined;
    if (waitingSince < 0) return;
    const wait = limit() - performance.now();
    if (wait > 0) {
      timer = setTimeout(check, wait);
      return;
    }
    late = true;
    reader.cancel().catch(() => {});
    out.error(tooSlow());
  };
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      out = controller;
    },
    async pull(controller) {
      waitingSince = performance.now();
      timer ??= setTimeout(check, Math.max(0, limit() - waitingSince));
      try {
        const next = await reader.read();
        waitingSince = -1;
        if (late) return;
        if (next.done) {
          stop();
          controller.close();
        } else controller.enqueue(next.value);
      } catch (err) {
        waitingSince = -1;
        stop();
        if (!late) controller.error(err);
      }
    },
    cancel(reason) {
      stop();
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
      const length = Number(c.req.header("content-length") ?? NaN);
      c.req.raw = length <= SMALL_BODY
        ? new Request(c.req.raw, { body: await smallBody(c.req.raw, timeouts.idleMs) })
        : new Request(
          c.req.raw,
          { body: timedBody(body, timeouts), duplex: "half" } as
            & RequestInit
            & { duplex: "half" },
        );
    }
    await next();
  };
}

/**
 * Bodies of at most this many bytes, with their length declared (every JSON call and form post),
 * are read at once: any client sends 64 KiB within the idle time unless it has stalled.
 */
const SMALL_BODY = 64 * 1024;

/** A small body read whole, or a 408 when it has not all come within `idleMs`. */
async function smallBody(request: Request, idleMs: number): Promise<Uint8Array<ArrayBuffer>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(tooSlow()), idleMs);
  });
  const read = request.bytes();
  // A read that fails after the 408 was sent (the connection closed) has nobody to tell.
  read.catch(() => {});
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}
