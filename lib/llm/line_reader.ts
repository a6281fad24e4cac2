/** Bytes asked for per network read; a token line is about 150 bytes. */
const READ_BYTES = 16 * 1024;

/** Where bytes come from: each read returns what one network read brought, or null at the end. */
export interface ByteSource {
  read(): Promise<Uint8Array[] | null>;
  /** Stops reading and lets go of the connection. */
  close(): Promise<void> | void;
}

/**
 * A fetch body as a byte source. Byte streams are read into one reused buffer (BYOB): fetch would
 * otherwise allocate a fresh 64 KiB buffer for every read, that is for every token.
 */
function streamSource(body: ReadableStream<Uint8Array>): ByteSource {
  let byob: ReadableStreamBYOBReader | null = null;
  let plain: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let bytes: Uint8Array<ArrayBuffer> | null = null;
  try {
    byob = body.getReader({ mode: "byob" });
    bytes = new Uint8Array(READ_BYTES);
  } catch {
    // Not a byte stream (a test double, a transformed body): plain reads.
    plain = body.getReader();
  }
  return {
    async read() {
      if (plain) {
        const { value, done } = await plain.read();
        return done ? null : [value];
      }
      const { value, done } = await byob!.read(bytes!);
      // The read hands our buffer back (transferred); keep it for the next one.
      if (value) bytes = new Uint8Array(value.buffer as ArrayBuffer);
      return done ? null : [value!];
    },
    async close() {
      await (byob ?? plain)!.cancel().catch(() => {});
    },
  };
}

const CR = 13;
const LF = 10;

/** How a line-based stream format reads: where lines end, how long one may be, what each means. */
export interface LineFormat<T> {
  /** Longest line, in characters; a longer one ends the stream with `tooLong()`. */
  maxLine: number;
  tooLong(): Error;
  /** Whether a lone `\r` (and `\r\n`, counted once) ends a line too, as in an event stream. */
  crEndsLine: boolean;
  /** Reads one complete line (without its line end), adding what it completes to `out`. */
  line(line: string, out: T[]): void;
  /** At the end of the stream, after the last line: adds what is still pending to `out`. */
  end(out: T[]): void;
}

/**
 * Reads a line-based stream (NDJSON, server-sent events) a network read at a time and returns
 * what each read completed: no per-line promise, which matters on the token path. Each character
 * is scanned once, however the bytes are cut: the start of a line whose end has not come yet is
 * kept in pieces and joined once, at its end, so a hostile stream costs linear time. A failure
 * met after good items of the same read is thrown by the next call, so the good ones come first.
 */
export class LineReader<T> {
  readonly #source: ByteSource;
  readonly #decoder = new TextDecoder();
  readonly #format: LineFormat<T>;
  #partial: string[] = [];
  #partialLength = 0;
  /** The last read ended in `\r`: a `\n` opening the next one ends no second line. */
  #skipLf = false;
  #ended = false;
  #failure: unknown = null;

  constructor(body: ReadableStream<Uint8Array> | ByteSource, format: LineFormat<T>) {
    this.#source = body instanceof ReadableStream ? streamSource(body) : body;
    this.#format = format;
  }

  /** What the next read completed (possibly nothing), or null once the stream has ended. */
  async read(): Promise<T[] | null> {
    if (this.#failure !== null) {
      const failure = this.#failure;
      this.#failure = null;
      this.#ended = true;
      throw failure;
    }
    if (this.#ended) return null;
    const pieces = await this.#source.read();
    const out: T[] = [];
    try {
      if (pieces === null) {
        this.#ended = true;
        this.#feed(this.#decoder.decode(), out);
        // A last line without its line end still counts.
        if (this.#partial.length) this.#line(this.#take(""), out);
        this.#format.end(out);
        return out.length ? out : null;
      }
      for (const piece of pieces) this.#feed(this.#decoder.decode(piece, { stream: true }), out);
    } catch (err) {
      if (!out.length) {
        this.#ended = true;
        throw err;
      }
      this.#failure = err;
    }
    return out;
  }

  /** Stops reading and lets go of the source. */
  async cancel(): Promise<void> {
    this.#ended = true;
    try {
      await this.#source.close();
    } catch {
      // Already gone.
    }
  }

  #feed(text: string, out: T[]): void {
    if (!text) return;
    let pos = 0;
    if (this.#skipLf) {
      this.#skipLf = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    // The next `\r` and `\n` at or after `pos`, searched again only once passed: -1 means none
    // left, so text without one of them is not searched again for every line.
    let cr = this.#format.crEndsLine ? -2 : -1;
    let lf = -2;
    while (pos < text.length) {
      if (cr !== -1 && cr < pos) cr = text.indexOf("\r", pos);
      if (lf !== -1 && lf < pos) lf = text.indexOf("\n", pos);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) {
        this.#keep(pos === 0 ? text : text.slice(pos));
        return;
      }
      const piece = text.slice(pos, end);
      this.#line(this.#partial.length ? this.#take(piece) : piece, out);
      pos = end + 1;
      if (text.charCodeAt(end) === CR) {
        if (pos === text.length) this.#skipLf = true;
        else if (text.charCodeAt(pos) === LF) pos++;
      }
    }
  }

  #keep(piece: string): void {
    this.#partialLength += piece.length;
    if (this.#partialLength > this.#format.maxLine) throw this.#format.tooLong();
    this.#partial.push(piece);
  }

  #take(last: string): string {
    this.#partial.push(last);
    const line = this.#partial.join("");
    this.#partial = [];
    this.#partialLength = 0;
    return line;
  }

  #line(line: string, out: T[]): void {
    if (line.length > this.#format.maxLine) throw this.#format.tooLong();
    this.#format.line(line, out);
  }
}

/** Whether the stream ends within a moment (nothing but its end left to read). */
async function endsSoon(reader: LineReader<unknown>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = await Promise.race([
    reader.read().then((items) => items === null, () => false),
    new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), 50)),
  ]);
  clearTimeout(timer);
  return ended;
}

/**
 * Lets go of a streamed reply once the client is done with it. A finished reply's body ends
 * right after its last event: reading to its end returns the connection to the pool for the next
 * request, and a server that keeps it open is cut off; an unfinished one is cut off at once.
 * Anything still unread is dropped, so the connection closes now rather than at GC.
 */
export async function releaseReply(
  upstream: { abortUpstream(): void; stop(): void },
  reader: LineReader<unknown> | undefined,
  res: Response | undefined,
  finished: boolean,
): Promise<void> {
  if (finished && reader && !(await endsSoon(reader))) upstream.abortUpstream();
  upstream.stop();
  if (!finished) upstream.abortUpstream();
  if (reader) await reader.cancel();
  else await res?.body?.cancel().catch(() => {});
}

/**
 * The body as text, read no further than `limit` bytes: null when it is longer, so a server that
 * answers without end costs no more than the limit.
 */
export async function readCapped(res: Response, limit: number): Promise<string | null> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) return null;
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
