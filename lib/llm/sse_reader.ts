import { type ByteSource, type LineFormat, LineReader } from "./line_reader.ts";

/** One server-sent event: its type (`message` unless an `event:` line named another) and data. */
export interface SseEvent {
  event: string;
  data: string;
}

/** Longest line, and longest event, we accept: a token event is a few hundred characters. */
const MAX_SSE_LINE = 1024 * 1024;

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

const COLON = 58;
const SPACE = 32;

/** The event-stream fields of one reader: the event being built, line by line. */
class SseFormat implements LineFormat<SseEvent> {
  readonly crEndsLine = true;
  #data: string[] = [];
  #dataLength = 0;
  #errors: string[] = [];
  #event = "";

  constructor(readonly maxLine: number) {}

  tooLong(): Error {
    return new SseTooLongError("line", this.maxLine);
  }

  line(line: string, out: SseEvent[]): void {
    if (line.length === 0) return this.end(out);
    if (line.charCodeAt(0) === COLON) return; // a comment, such as a keep-alive `: ping`
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === SPACE) value = value.slice(1);
    if (field === "data" || field === "error") {
      this.#dataLength += value.length + 1;
      if (this.#dataLength > this.maxLine) throw new SseTooLongError("event", this.maxLine);
      (field === "data" ? this.#data : this.#errors).push(value);
    } else if (field === "event") this.#event = value;
    // `id`, `retry` and unknown fields mean nothing to a chat stream.
  }

  /** Dispatches the event built so far: at a blank line, and at the end of the stream. */
  end(out: SseEvent[]): void {
    if (!this.#data.length && !this.#errors.length) {
      // A blank line with no event pending (keep-alives, hostile runs of line ends): nothing to
      // dispatch and nothing to allocate.
      this.#event = "";
      return;
    }
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

/**
 * Reads `text/event-stream` a network read at a time and returns the events each read completed.
 * Lines end in `\r\n`, `\r` or `\n` (a `\r\n` cut between two reads counts once); comments are
 * dropped; `error:` lines, which llama.cpp sends for a failure mid-stream, become an `error` event.
 * A last event without its blank line still counts: some servers close right after `data: [DONE]`.
 */
export class SseReader extends LineReader<SseEvent> {
  constructor(body: ReadableStream<Uint8Array> | ByteSource, options: { maxLine?: number } = {}) {
    super(body, new SseFormat(options.maxLine ?? MAX_SSE_LINE));
  }
}
