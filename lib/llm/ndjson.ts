import { type ByteSource, LineReader } from "./line_reader.ts";

/** A line of the stream that is not JSON. */
export class NdjsonLineError extends Error {
  constructor(readonly line: string) {
    super(`Malformed line from Ollama: ${line.slice(0, 120)}`);
    this.name = "NdjsonLineError";
  }
}

/** Longest line we accept: a token line is about 150 bytes, a final line with stats a few hundred. */
const MAX_NDJSON_LINE = 1024 * 1024;

/** A line longer than the limit: the stream is not one we can read. */
export class NdjsonTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`the server sent a stream line longer than ${limit} characters`);
    this.name = "NdjsonTooLongError";
  }
}

function parseLine(raw: string, out: unknown[]): void {
  const line = raw.trim();
  if (!line) return;
  try {
    out.push(JSON.parse(line));
  } catch {
    throw new NdjsonLineError(line);
  }
}

/**
 * Reads newline-delimited JSON a network read at a time: each call returns the parsed lines that
 * arrived; a line past the limit ends the stream. A last object without its newline is still a
 * whole object when it parses.
 */
export class NdjsonReader extends LineReader<unknown> {
  constructor(body: ReadableStream<Uint8Array> | ByteSource, options: { maxLine?: number } = {}) {
    const limit = options.maxLine ?? MAX_NDJSON_LINE;
    super(body, {
      maxLine: limit,
      tooLong: () => new NdjsonTooLongError(limit),
      crEndsLine: false,
      line: parseLine,
      end() {},
    });
  }
}
