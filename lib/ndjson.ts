/** Reads newline-delimited JSON from a byte stream, yielding one parsed value per non-empty line. */
export async function* readNdjson(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<unknown, { trailing: string }> {
  const reader = body.pipeThrough(
    new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>,
  ).getReader();
  let buffer = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) yield parseLine(line);
      }
    }
  } finally {
    reader.releaseLock();
  }
  const rest = buffer.trim();
  if (rest) {
    // A last object without its newline is still a whole object when it parses.
    try {
      yield JSON.parse(rest);
      return { trailing: "" };
    } catch {
      return { trailing: rest };
    }
  }
  return { trailing: "" };
}

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
