const encoder = new TextEncoder();

/** How a protocol's stream is sent. */
export interface FrameStreamOptions {
  headers: Record<string, string>;
  /** The last frame telling the client why the stream ends early; null sends nothing more. */
  errorFrame: (err: unknown) => string | null;
}

/**
 * Streams the text frames of a wire protocol (NDJSON lines, SSE events). The first frame is
 * awaited before the response is made, so a failure before any output is a plain error with its
 * status; a later one becomes the protocol's error frame. A client that goes away aborts
 * `controller`, which cancels the work, and nothing more is sent to it.
 */
export async function frameStream(
  frames: AsyncGenerator<string>,
  controller: AbortController,
  options: FrameStreamOptions,
): Promise<Response> {
  const first = await frames.next();
  let sentFirst = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(out) {
      try {
        if (!sentFirst) {
          sentFirst = true;
          if (first.done) return out.close();
          out.enqueue(encoder.encode(first.value));
          return;
        }
        const next = await frames.next();
        if (next.done) out.close();
        else out.enqueue(encoder.encode(next.value));
      } catch (err) {
        if (controller.signal.aborted) return;
        try {
          const last = options.errorFrame(err);
          if (last !== null) out.enqueue(encoder.encode(last));
          out.close();
        } catch {
          // The client is already gone.
        }
      }
    },
    async cancel() {
      controller.abort();
      await frames.return(undefined).catch(() => {});
    },
  });
  return new Response(body, { headers: options.headers });
}
