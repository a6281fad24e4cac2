/** A line of the stream that is not JSON. */
export class NdjsonLineError extends Error {
  constructor(readonly line: string) {
    super(`Malformed line from Ollama: ${line.slice(0, 120)}`);
    this.name = "NdjsonLineError";
  }
}

/** Longest line we accept: a token line is about 150 bytes, a final line with stats a few hundred. */
export const MAX_NDJSON_LINE = 1024 * 1024;

/** A line longer than the limit: the stream is not one we can read. */
export class NdjsonTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`the server sent a stream line longer than ${limit} characters`);
    this.name = "NdjsonTooLongError";
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new NdjsonLineError(line);
  }
}

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
export function streamSource(body: ReadableStream<Uint8Array>): ByteSource {
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

/**
 * Reads newline-delimited JSON a network read at a time: each call returns every complete line
 * that arrived (no per-line promise, which matters on the token path). Each character is looked
 * at once, however the bytes are cut: the start of a line whose end has not come yet is kept in
 * pieces and joined once, at its end, and a line past the limit ends the stream.
 */
export class NdjsonReader {
  readonly #source: ByteSource;
  readonly #decoder = new TextDecoder();
  readonly #limit: number;
  #partial: string[] = [];
  #partialLength = 0;
  #ended = false;
  /** A bad line found after good ones: reported by the next call, so the good ones come first. */
  #failure: Error | null = null;

  constructor(body: ReadableStream<Uint8Array> | ByteSource, options: { maxLine?: number } = {}) {
    this.#source = body instanceof ReadableStream ? streamSource(body) : body;
    this.#limit = options.maxLine ?? MAX_NDJSON_LINE;
  }

  /** The parsed lines of the next read (possibly none), or null once the stream has ended. */
  async read(): Promise<unknown[] | null> {
    if (this.#failure) {
      const failure = this.#failure;
      this.#failure = null;
      this.#ended = true;
      throw failure;
    }
    if (this.#ended) return null;
    const pieces = await this.#source.read();
    const out: unknown[] = [];
    try {
      if (pieces === null) {
        this.#ended = true;
        this.#feed(this.#decoder.decode(), out);
        // A last object without its newline is still a whole object when it parses.
        if (this.#partial.length) this.#line(this.#take(""), out);
        return out.length ? out : null;
      }
      for (const piece of pieces) this.#feed(this.#decoder.decode(piece, { stream: true }), out);
    } catch (err) {
      if (!out.length) {
        this.#ended = true;
        throw err;
      }
      this.#failure = err as Error;
    }
    return out;
  }

  #feed(text: string, out: unknown[]): void {
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf("\n", start)) >= 0) {
      const piece = text.slice(start, nl);
      start = nl + 1;
      this.#line(this.#partial.length ? this.#take(piece) : piece, out);
    }
    if (start < text.length) {
      const rest = start === 0 ? text : text.slice(start);
      this.#partialLength += rest.length;
      if (this.#partialLength > this.#limit) throw new NdjsonTooLongError(this.#limit);
      this.#partial.push(rest);
    }
  }

  #take(last: string): string {
    this.#partial.push(last);
    const line = this.#partial.join("");
    this.#partial = [];
    this.#partialLength = 0;
    return line;
  }

  #line(raw: string, out: unknown[]): void {
    if (raw.length > this.#limit) throw new NdjsonTooLongError(this.#limit);
    const line = raw.trim();
    if (line) out.push(parseLine(line));
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
}
