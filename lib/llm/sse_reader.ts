import { type ByteSource, streamSource } from "./ndjson.ts";

/** One server-sent event: its type (`message` unless an `event:` line named another) and data. */
export interface SseEvent {
  event: string;
  data: string;
}

/** Longest line, and longest event, we accept: a token event is a few hundred characters. */
export const MAX_SSE_LINE = 1024 * 1024;

/** A line or an event longer than the limit: the stream is not an event stream we can read. */
export class SseTooLongError extends Error {
  constructor(what: "line" | "event", limit: number) {
    super(
      `the server sent an event-stream ${what} longer than ${limit} characters, ` +
        `so the reply is not a stream of chat events`,
    );
    this.name = "SseTooLongError";
  }
}

const CR = 13;
const LF = 10;
const COLON = 58;
const SPACE = 32;

/**
 * Reads `text/event-stream` a network read at a time and returns the events each read completed.
 * Lines end in `\r\n`, `\r` or `\n` (a `\r\n` cut between two reads counts once); comments are
 * dropped; `error:` lines, which llama.cpp sends for a failure mid-stream, become an `error` event.
 * Each character is scanned once, however the bytes are cut, so a hostile stream costs linear time.
 */
export class SseReader {
  readonly #source: ByteSource;
  readonly #decoder = new TextDecoder();
  readonly #limit: number;
  /** The start of a line whose end has not arrived yet, kept in pieces (joined once, at its end). */
  #partial: string[] = [];
  #partialLength = 0;
  /** The last read ended in `\r`: a `\n` opening the next one ends no second line. */
  #skipLf = false;
  #data: string[] = [];
  #dataLength = 0;
  #errors: string[] = [];
  #event = "";
  #ended = false;
  /** A failure met after good events of the same read: thrown by the next call. */
  #failure: unknown = null;

  constructor(body: ReadableStream<Uint8Array> | ByteSource, options: { maxLine?: number } = {}) {
    this.#source = body instanceof ReadableStream ? streamSource(body) : body;
    this.#limit = options.maxLine ?? MAX_SSE_LINE;
  }

  /** The events the next read completed (possibly none), or null once the stream has ended. */
  async read(): Promise<SseEvent[] | null> {
    if (this.#failure !== null) {
      const failure = this.#failure;
      this.#failure = null;
      this.#ended = true;
      throw failure;
    }
    if (this.#ended) return null;
    const pieces = await this.#source.read();
    const out: SseEvent[] = [];
    try {
      if (pieces === null) {
        this.#ended = true;
        this.#feed(this.#decoder.decode(), out);
        // A last line and event without their blank line still count: some servers close
        // right after `data: [DONE]`.
        if (this.#partial.length) this.#line(this.#takePartial(""), out);
        this.#dispatch(out);
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

  #feed(text: string, out: SseEvent[]): void {
    if (!text) return;
    let pos = 0;
    if (this.#skipLf) {
      this.#skipLf = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    // The next `\r` and `\n` at or after `pos`, searched again only once passed: -1 means none
    // left, so text without one of them is not searched again for every line.
    let cr = -2;
    let lf = -2;
    while (pos < text.length) {
      if (cr !== -1 && cr < pos) cr = text.indexOf("\r", pos);
      if (lf !== -1 && lf < pos) lf = text.indexOf("\n", pos);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) {
        this.#keep(pos === 0 ? text : text.slice(pos));
        return;
      }
      if (end === pos && !this.#partial.length) {
        // A blank line: the common end of an event, and all a flood of line ends holds.
        if (this.#data.length || this.#errors.length) this.#dispatch(out);
        else this.#event = "";
      } else {
        const piece = text.slice(pos, end);
        this.#line(this.#partial.length ? this.#takePartial(piece) : piece, out);
      }
      pos = end + 1;
      if (text.charCodeAt(end) === CR) {
        if (pos === text.length) this.#skipLf = true;
        else if (text.charCodeAt(pos) === LF) pos++;
      }
    }
  }

  #keep(piece: string): void {
    this.#partialLength += piece.length;
    if (this.#partialLength > this.#limit) throw new SseTooLongError("line", this.#limit);
    this.#partial.push(piece);
  }

  #takePartial(last: string): string {
    this.#partial.push(last);
    const line = this.#partial.join("");
    this.#partial = [];
    this.#partialLength = 0;
    return line;
  }

  #line(line: string, out: SseEvent[]): void {
    if (line.length > this.#limit) throw new SseTooLongError("line", this.#limit);
    if (line.length === 0) return this.#dispatch(out);
    if (line.charCodeAt(0) === COLON) return; // a comment, such as a keep-alive `: ping`
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === SPACE) value = value.slice(1);
    if (field === "data" || field === "error") {
      this.#dataLength += value.length + 1;
      if (this.#dataLength > this.#limit) throw new SseTooLongError("event", this.#limit);
      (field === "data" ? this.#data : this.#errors).push(value);
    } else if (field === "event") this.#event = value;
    // `id`, `retry` and unknown fields mean nothing to a chat stream.
  }

  #dispatch(out: SseEvent[]): void {
    if (this.#errors.length) out.push({ event: "error", data: this.#errors.join("\n") });
    if (this.#data.length) {
      out.push({ event: this.#event || "message", data: this.#data.join("\n") });
    }
    this.#data = [];
    this.#errors = [];
    this.#dataLength = 0;
    this.#event = "";
  }
}
