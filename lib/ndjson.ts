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

/**
 * Reads newline-delimited JSON from a byte stream a network read at a time: each call returns
 * every complete line that arrived (no per-line promise, which matters on the token path).
 */
export class NdjsonReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | ReadableStreamBYOBReader;
  /** Reused for every read of a byte stream; fetch would otherwise allocate 64 KiB per token. */
  #bytes: Uint8Array<ArrayBuffer> | null = null;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #ended = false;

  constructor(body: ReadableStream<Uint8Array>) {
    try {
      this.#reader = body.getReader({ mode: "byob" });
      this.#bytes = new Uint8Array(READ_BYTES);
    } catch {
      // Not a byte stream (a test double, a transformed body): plain reads.
      this.#reader = body.getReader();
    }
  }

  async #readBytes(): Promise<{ value?: Uint8Array; done: boolean }> {
    if (!this.#bytes) return await (this.#reader as ReadableStreamDefaultReader<Uint8Array>).read();
    const result = await (this.#reader as ReadableStreamBYOBReader).read(this.#bytes);
    // The read hands our buffer back (transferred); keep it for the next one.
    if (result.value) this.#bytes = new Uint8Array(result.value.buffer as ArrayBuffer);
    return result;
  }

  /** The parsed lines of the next read (possibly none), or null once the stream has ended. */
  async read(): Promise<unknown[] | null> {
    if (this.#ended) return null;
    const { value, done } = await this.#readBytes();
    const out: unknown[] = [];
    if (done) {
      this.#ended = true;
      const rest = (this.#buffer + this.#decoder.decode()).trim();
      this.#buffer = "";
      // A last object without its newline is still a whole object when it parses.
      if (rest) out.push(parseLine(rest));
      return out.length ? out : null;
    }
    this.#buffer += this.#decoder.decode(value, { stream: true });
    let start = 0;
    let nl: number;
    while ((nl = this.#buffer.indexOf("\n", start)) >= 0) {
      const line = this.#buffer.slice(start, nl).trim();
      start = nl + 1;
      if (line) out.push(parseLine(line));
    }
    this.#buffer = this.#buffer.slice(start);
    return out;
  }

  /** Stops reading and lets go of the stream. */
  async cancel(): Promise<void> {
    this.#ended = true;
    await this.#reader.cancel().catch(() => {});
  }
}
