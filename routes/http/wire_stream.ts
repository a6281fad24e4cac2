const encoder = new TextEncoder();

/** Bytes per shared output buffer that token frames are cut from. */
const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/**
 * Encodes a frame's text into a slice of a shared buffer. A fresh ArrayBuffer per token made
 * every young GC sweep thousands of them, which showed up as pauses of a millisecond in the token
 * stream. Slices are never written twice: a full buffer is dropped (and freed once sent) for a
 * new one.
 */
export function encodeFrame(text: string): Uint8Array {
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

/** How a protocol's stream is sent. */
export interface FrameStreamOptions<T> {
  headers: Record<string, string>;
  /** The text of one item; without it the items are the frames' text already. */
  frame?: (item: T) => string;
  /** The last frame telling the client why the stream ends early; null sends nothing more. */
  errorFrame: (err: unknown) => string | null;
}

/**
 * Streams the frames of a protocol (SSE events, NDJSON lines). The first item is awaited before
 * the response is made, so a failure before any output is a plain error with its status; a
 * later one becomes the protocol's error frame. A client that goes away aborts `controller`,
 * which cancels the work, and nothing more is sent to it.
 */
export async function frameStream<T = string>(
  items: AsyncGenerator<T>,
  controller: AbortController,
  options: FrameStreamOptions<T>,
): Promise<Response> {
  const frame = options.frame ?? String;
  const first = await items.next();
  let sentFirst = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(out) {
      try {
        if (!sentFirst) {
          sentFirst = true;
          if (first.done) return out.close();
          out.enqueue(encodeFrame(frame(first.value)));
          return;
        }
        const next = await items.next();
        if (next.done) out.close();
        else out.enqueue(encodeFrame(frame(next.value)));
      } catch (err) {
        if (controller.signal.aborted) return;
        try {
          const last = options.errorFrame(err);
          if (last !== null) out.enqueue(encodeFrame(last));
          out.close();
        } catch {
          // The client is already gone.
        }
      }
    },
    async cancel() {
      controller.abort();
      await items.return(undefined).catch(() => {});
    },
  });
  return new Response(body, { headers: options.headers });
}
