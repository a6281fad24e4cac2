/** A line of the stream that is not JSON. */
export class NdjsonLineError extends Error {
  constructor(readonly line: string) {
    super(`Malformed line from Ollama: ${line.slice(0, 120)}`);
    this.name = "NdjsonLineError";
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
 * that arrived (no per-line promise, which matters on the token path).
 */
export class NdjsonReader {
  readonly #source: ByteSource;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #ended = false;
  /** A bad line found after good ones: reported by the next call, so the good ones come first. */
  #failure: NdjsonLineError | null = null;

  constructor(body: ReadableStream<Uint8Array> | ByteSource) {
    this.#source = body instanceof ReadableStream ? streamSource(body) : body;
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
    if (pieces === null) {
      this.#ended = true;
      const rest = (this.#buffer + this.#decoder.decode()).trim();
      this.#buffer = "";
      // A last object without its newline is still a whole object when it parses.
      if (rest) out.push(parseLine(rest));
      return out.length ? out : null;
    }
    for (const piece of pieces) this.#buffer += this.#decoder.decode(piece, { stream: true });
    let start = 0;
    let nl: number;
    while ((nl = this.#buffer.indexOf("\n", start)) >= 0) {
      const line = this.#buffer.slice(start, nl).trim();
      start = nl + 1;
      if (!line) continue;
      try {
        out.push(parseLine(line));
      } catch (err) {
        if (!out.length) throw err;
        this.#failure = err as NdjsonLineError;
        break;
      }
    }
    this.#buffer = this.#buffer.slice(start);
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
}
