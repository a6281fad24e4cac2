/**
 * What the two fake LLM servers share: the reply they write (the same text whichever protocol
 * asks), how a model held to a JSON format writes it, Go's JSON escaping, and their small timing
 * helpers.
 */

/** A JSON object as the fakes read requests. */
export type Json = Record<string, unknown>;

/** Whether a parsed JSON value is an object (not null, not a list). */
export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a vision model makes of an image it was sent: its format and size, from its header. */
export interface SeenImage {
  format: "png" | "jpeg" | "webp" | "gif";
  width: number;
  height: number;
  bytes: number;
}

/** Go's json.Marshal escapes <, > and & in strings; a faithful fake does the same. */
export function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026");
}

/** The default reply: a plausible prompt built from the idea, in the format the system prompt asks for. */
export function defaultReply(
  messages: { role: string; content: string; seen?: SeenImage[] }[],
  seed?: number,
): string {
  const system = messages.find((m) => m.role === "system")?.content ?? "";
  const last = [...messages].reverse().find((m) => m.role === "user");
  const user = last?.content ?? "";
  const ideaLine = user.split("\n").find((l) => /^(idea|image idea|message):/i.test(l.trim())) ??
    user.split("\n")[0] ?? "";
  let idea = ideaLine.replace(/^[^:]*:\s*/, "").trim().replace(/[.!?]+$/, "") || "a scene";
  // A vision model writes about what it was shown, first, so short tag prompts keep it too.
  for (const image of (last?.seen ?? []).toReversed()) {
    idea = `seen in a ${image.width}x${image.height} ${image.format} image: ${idea}`;
  }
  const turns = messages.filter((m) => m.role === "user").length;
  const flavor = seed === undefined ? "" : ` variant ${seed % 97}`;
  if (/NEGATIVE:/.test(system)) {
    const tags = idea.toLowerCase().split(/\s+/).slice(0, 8).join(" ");
    return `POSITIVE: masterpiece, best quality, (${tags}:1.2), dramatic lighting, ` +
      `highly detailed, sharp focus${flavor}${turns > 1 ? `, refined ${turns}` : ""}\n` +
      `NEGATIVE: blurry, lowres, watermark, text, deformed hands, jpeg artifacts`;
  }
  return `${idea.charAt(0).toUpperCase()}${idea.slice(1)}, rendered as a richly detailed scene ` +
    `with layered depth, soft directional light raking across textured surfaces, and a calm ` +
    `palette that lets the subject stand apart from the background${flavor}` +
    `${turns > 1 ? `, refined in turn ${turns}` : ""}.`;
}

/** The positive and negative parts of a reply in the `POSITIVE:`/`NEGATIVE:` format, if any. */
function replyParts(reply: string): { positive: string; negative: string } {
  let positive = "";
  let negative = "";
  for (const line of reply.split("\n")) {
    if (line.startsWith("POSITIVE:")) positive = line.slice(9).trim();
    else if (line.startsWith("NEGATIVE:")) negative = line.slice(9).trim();
  }
  return positive ? { positive, negative } : { positive: reply.trim(), negative: "" };
}

/** A value that fits the JSON schema, filled from the reply (what a constrained model writes). */
function fromSchema(
  schema: unknown,
  parts: { positive: string; negative: string },
  name: string,
  depth: number,
): unknown {
  if (!isObject(schema) || depth > 8) return parts.positive;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  const choices = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(choices) && choices.length) {
    const pick = choices.find((c) => !(isObject(c) && c.type === "null")) ?? choices[0];
    return fromSchema(pick, parts, name, depth + 1);
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== "null") ?? "null";
  if (type === undefined && isObject(schema.properties)) type = "object";
  switch (type) {
    case "object": {
      const out: Json = {};
      const properties = isObject(schema.properties) ? schema.properties : {};
      for (const [key, sub] of Object.entries(properties)) {
        out[key] = fromSchema(sub, parts, key, depth + 1);
      }
      return out;
    }
    case "array": {
      const count = typeof schema.minItems === "number" && schema.minItems > 1
        ? Math.min(schema.minItems, 16)
        : 1;
      return Array.from({ length: count }, () => fromSchema(schema.items, parts, name, depth + 1));
    }
    case "integer":
      return typeof schema.minimum === "number" ? Math.ceil(schema.minimum) : 1;
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 0.5;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return name.toLowerCase().includes("negative") ? parts.negative : parts.positive;
  }
}

/** The JSON text a model constrained to the format writes for this reply. */
export function jsonReply(schema: unknown, reply: string): string {
  const parts = replyParts(reply);
  if (schema !== undefined) return JSON.stringify(fromSchema(schema, parts, "", 0));
  return JSON.stringify(parts.negative ? parts : { prompt: parts.positive });
}

/** A reply cut into the tokens a fake streams: each word with the space after it. */
export function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

/** Waits `ms` (none when 0 or less), or less when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** The live connection counters a fake shows tests. */
export interface StreamCounters {
  /** Streams currently open. */
  readonly openStreams: number;
  /** Streams ended because the client went away. */
  readonly cancelledStreams: number;
  /** Requests held open without an answer (a hang or stall fault). */
  readonly hangingRequests: number;
  /** The most streams that were open at once. */
  readonly peakStreams: number;
}

/** Counts a fake's streams and the requests it holds unanswered. */
export class StreamCounts implements StreamCounters {
  openStreams = 0;
  cancelledStreams = 0;
  hangingRequests = 0;
  peakStreams = 0;
  readonly #held = new Set<() => void>();

  /**
   * Counts a stream as open. The returned function ends it, the first time only (`cancelled`:
   * the client went away), and says whether this call was that first time.
   */
  open(): (cancelled: boolean) => boolean {
    this.openStreams++;
    this.peakStreams = Math.max(this.peakStreams, this.openStreams);
    let counted = true;
    return (cancelled) => {
      if (!counted) return false;
      counted = false;
      this.openStreams--;
      if (cancelled) this.cancelledStreams++;
      return true;
    };
  }

  /** Holds a request unanswered until the client goes away or `releaseAll()`; then `answer()`. */
  hold(signal: AbortSignal, answer: () => Response): Promise<Response> {
    this.hangingRequests++;
    return new Promise<Response>((resolve) => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.hangingRequests--;
        this.#held.delete(release);
        resolve(answer());
      };
      this.#held.add(release);
      signal.addEventListener("abort", release, { once: true });
    });
  }

  /** Answers every held request (the fake is closing or its port is). */
  releaseAll(): void {
    for (const release of [...this.#held]) release();
  }

  /** The fake's `api` with these counters as read-only properties. */
  on<T extends StreamCounters>(api: Omit<T, keyof StreamCounters>): T {
    const read = (get: () => number) => ({ get, enumerable: true });
    return Object.defineProperties(api, {
      openStreams: read(() => this.openStreams),
      cancelledStreams: read(() => this.cancelledStreams),
      hangingRequests: read(() => this.hangingRequests),
      peakStreams: read(() => this.peakStreams),
    }) as T;
  }
}
