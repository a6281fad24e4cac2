import { z } from "zod";
import { AppError } from "../../lib/app/errors.ts";
import { log } from "../../lib/app/logger.ts";
import { findNul, nulMessage } from "../../lib/app/nul.ts";

/**
 * Ollama's wire details that the endpoint reproduces: Go's JSON (escaped `<`, `>`, `&`), Go's
 * time format, Go's decoding errors, and the request shapes with their Go type names.
 */

/** The Ollama API level we speak, answered by `/api/version`. */
export const OLLAMA_API_VERSION = "0.12.6";

/** JSON as Go's `json.Marshal` writes it: `<`, `>` and `&` escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026");
}

/** A time as Go's RFC3339Nano writes it in UTC: trailing zeros of the fraction trimmed. */
export function goTime(date: Date): string {
  return date.toISOString().replace(/\.?0+Z$/, "Z");
}

/** Milliseconds as Go's nanosecond durations. */
export function nanos(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms * 1e6);
}

/** An Ollama error: its status and the `{"error"}` text. */
export function ollamaError(status: number, message: string): AppError {
  return new AppError(status, "Ollama API error", message, "ollama_wire");
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return `number ${value}`;
  return typeof value === "object" ? "object" : "string";
}

/** Go type names of the request fields, for decoding errors worded as Ollama's. */
const GO_TYPES: Record<string, string> = {
  context: "[]int",
  stream: "bool",
  raw: "bool",
  verbose: "bool",
  images: "[]api.ImageData",
  options: "map[string]interface {}",
  messages: "[]api.Message",
  tools: "api.Tools",
};

function dropNulls(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = v;
  return out;
}

/**
 * Removes `null` members of the request and of its messages: Go decodes a JSON null into a field
 * as "leave it unset". Only those two levels, so a deeply nested body costs no recursion.
 */
function withoutNulls(body: Record<string, unknown>): Record<string, unknown> {
  const out = dropNulls(body);
  if (Array.isArray(out.messages)) {
    out.messages = out.messages.map((m) =>
      typeof m === "object" && m !== null && !Array.isArray(m) ? dropNulls(m) : m
    );
  }
  return out;
}

function syntaxError(text: string, err: unknown): string {
  const start = text.trimStart()[0] ?? "";
  if (!'{["-0123456789tfn'.includes(start)) {
    return `invalid character '${start}' looking for beginning of value`;
  }
  const detail = err instanceof Error ? err.message : String(err);
  if (/end of (json )?(input|data)/i.test(detail)) return "unexpected EOF";
  const at = detail.match(/position (\d+)/);
  const ch = at ? text[Number(at[1])] : undefined;
  return ch === undefined
    ? "unexpected EOF"
    : `invalid character '${ch}' in JSON at offset ${Number(at![1]) + 1}`;
}

/**
 * Reads a request body as Ollama does: any content type, unknown fields ignored, nulls unset;
 * an empty body, bad JSON or a wrong type is a 400 with Go's wording.
 */
export async function readOllamaBody<T extends z.ZodType>(
  req: Request,
  schema: T,
  struct: string,
): Promise<z.infer<T>> {
  const text = await req.text();
  if (!text.trim()) throw ollamaError(400, "missing request body");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw ollamaError(400, syntaxError(text, err));
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    const kind = Array.isArray(raw) ? "array" : jsonTypeOf(raw).split(" ")[0];
    throw ollamaError(400, `json: cannot unmarshal ${kind} into Go value of type api.${struct}`);
  }
  const nul = findNul(raw);
  if (nul) throw ollamaError(400, nulMessage(nul));
  const body = withoutNulls(raw as Record<string, unknown>);
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  let value: unknown = body;
  for (const key of issue.path) {
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
  }
  const names = issue.path.filter((p): p is string => typeof p === "string");
  const leaf = names.at(-1) ?? "";
  // An element of `context` that is not an integer: Go names the element's type.
  const goType = typeof issue.path.at(-1) === "number" && leaf === "context"
    ? "int"
    : GO_TYPES[leaf] ?? "string";
  throw ollamaError(
    400,
    `json: cannot unmarshal ${jsonTypeOf(value)} into Go struct field ${struct}.${
      names.join(".")
    } of type ${goType}`,
  );
}

const Think = z.union([z.boolean(), z.string()]);

/** `POST /api/generate`, the fields we read (others are ignored, as Ollama ignores unknown ones). */
export const GenerateBody = z.object({
  model: z.string().optional(),
  prompt: z.string().optional(),
  suffix: z.string().optional(),
  system: z.string().optional(),
  template: z.string().optional(),
  context: z.array(z.number().int()).optional(),
  stream: z.boolean().optional(),
  raw: z.boolean().optional(),
  format: z.unknown().optional(),
  keep_alive: z.unknown().optional(),
  images: z.array(z.string()).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  think: Think.optional(),
});

/** One chat message. */
const MessageBody = z.object({
  role: z.string().optional(),
  content: z.string().optional(),
  images: z.array(z.string()).optional(),
});

/** `POST /api/chat`. */
export const ChatBody = z.object({
  model: z.string().optional(),
  messages: z.array(MessageBody).optional(),
  stream: z.boolean().optional(),
  format: z.unknown().optional(),
  keep_alive: z.unknown().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  think: Think.optional(),
  tools: z.array(z.unknown()).optional(),
});

/** `POST /api/show`; `name` is the deprecated alias of `model`. */
export const ShowBody = z.object({
  model: z.string().optional(),
  name: z.string().optional(),
  verbose: z.boolean().optional(),
});

// Go's time.ParseDuration: signed, one or more number+unit pairs (or a bare 0). Bounded input and
// a unit after every number keep the match linear.
const DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;

/** `keep_alive` as Ollama takes it: seconds, or a Go duration string. */
export function parseKeepAlive(value: unknown): string | number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    if (value === "") return undefined;
    if (/^[-+]?0$/.test(value)) return 0;
    if (value.length <= 64 && DURATION.test(value)) return value;
    throw ollamaError(400, `time: invalid duration ${JSON.stringify(value)}`);
  }
  const type = typeof value === "boolean"
    ? "bool"
    : Array.isArray(value)
    ? "[]interface {}"
    : "map[string]interface {}";
  throw ollamaError(400, `Unsupported type: '${type}'`);
}

/** `think`: a level counts as on; anything else is Ollama's 400. */
export function parseThink(value: boolean | string | undefined): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  if (["low", "medium", "high", "max"].includes(value)) return true;
  throw ollamaError(
    400,
    `invalid think value: ${
      JSON.stringify(value)
    } (must be "high", "medium", "low", "max", true, or false)`,
  );
}

/** `format`: `""` or `"json"` as Ollama takes them; a schema we cannot follow is refused. */
export function parseFormat(value: unknown): "text" | "json" {
  if (value === undefined || value === "") return "text";
  if (value === "json") return "json";
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    throw ollamaError(
      400,
      'format: Promptsmith models answer plain text ("") or "json" (an object with "positive" ' +
        'and "negative"); they cannot follow a JSON schema',
    );
  }
  // Only a string is quoted back: anything else could be nested deep enough to break a stringify.
  const shown = typeof value === "string"
    ? JSON.stringify(value.slice(0, 100))
    : Array.isArray(value)
    ? "an array"
    : String(value);
  throw ollamaError(
    400,
    `invalid format: ${shown}; expected "json" or a valid JSON Schema object`,
  );
}

/** The runtime options we pass to the LLM (`seed`, `temperature`); Ollama ignores unknown keys. */
export function parseOptions(
  options: Record<string, unknown> | undefined,
): { seed?: number; temperature?: number } {
  const out: { seed?: number; temperature?: number } = {};
  if (!options) return out;
  const { seed, temperature } = options;
  if (seed !== undefined) {
    if (typeof seed !== "number" || !Number.isInteger(seed)) {
      throw ollamaError(400, 'option "seed" must be of type integer');
    }
    // -1 (and any negative seed) is Ollama's "random".
    if (seed >= 0) out.seed = seed;
  }
  if (temperature !== undefined) {
    if (typeof temperature !== "number" || !Number.isFinite(temperature)) {
      throw ollamaError(400, 'option "temperature" must be of type float32');
    }
    out.temperature = temperature;
  }
  return out;
}

/** The `{"error"}` body of any failure, its status and headers; unexpected errors are logged. */
export function ollamaErrorBody(
  err: unknown,
): { status: number; body: { error: string }; headers: Record<string, string> } {
  if (err instanceof AppError) {
    return { status: err.status, body: { error: err.message }, headers: err.headers };
  }
  if (err instanceof DOMException && err.name === "AbortError") {
    return { status: 499, body: { error: "request canceled" }, headers: {} };
  }
  log("http").error("Unexpected error on the Ollama endpoint: {error}", {
    error: err instanceof Error ? err.stack ?? err.message : String(err),
  });
  return {
    status: 500,
    body: { error: "unexpected error in Promptsmith; the details are in its log" },
    headers: {},
  };
}
