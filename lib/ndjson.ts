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

/**
 * Reads newline-delimited JSON from a byte stream, yielding one parsed value per non-empty line.
 * Decoding happens in the read loop (no extra stream stage), which keeps per-chunk cost low.
 */
export async function* readNdjson(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown, void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let start = 0;
      let nl: number;
      while ((nl = buffer.indexOf("\n", start)) >= 0) {
        const line = buffer.slice(start, nl).trim();
        start = nl + 1;
        if (line) yield parseLine(line);
      }
      buffer = buffer.slice(start);
    }
    buffer += decoder.decode();
  } finally {
    reader.releaseLock();
  }
  const rest = buffer.trim();
  // A last object without its newline is still a whole object when it parses.
  if (rest) yield parseLine(rest);
}
