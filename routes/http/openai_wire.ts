import { z } from "zod";
import { AppError } from "../../lib/app/errors.ts";
import { log } from "../../lib/app/logger.ts";
import { findNul, nulMessage } from "../../lib/app/nul.ts";

/** The OpenAI error object, as `{"error": {…}}` carries it. */
export interface OpenAiErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** An OpenAI-style failure: status, message, and the parameter at fault. */
export class OpenAiError extends AppError {
  readonly param: string | null;
  readonly code: string | null;

  constructor(status: number, message: string, param: string | null = null, code?: string) {
    super(status, "OpenAI API error", message, "openai_wire");
    this.param = param;
    this.code = code ?? null;
  }
}

/** The error type OpenAI clients expect for a status. */
export function errorType(status: number): string {
  if (status === 400 || status === 413 || status === 422) return "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  return "api_error";
}

/** The `{"error": {…}}` body of any failure, its status and headers; unexpected ones are logged. */
export function openAiErrorBody(
  err: unknown,
): { status: number; body: { error: OpenAiErrorObject }; headers: Record<string, string> } {
  if (err instanceof AppError) {
    // Our own errors name the parameter at fault; an unknown model is OpenAI's model_not_found.
    const notFound = err.type === "model_not_found";
    const own = err instanceof OpenAiError;
    return {
      status: err.status,
      body: {
        error: {
          message: err.message,
          type: errorType(err.status),
          param: own ? err.param : notFound ? "model" : null,
          code: own ? err.code : notFound ? "model_not_found" : null,
        },
      },
      headers: err.headers,
    };
  }
  if (err instanceof DOMException && err.name === "AbortError") {
    return {
      status: 499,
      body: {
        error: { message: "Request cancelled.", type: "api_error", param: null, code: null },
      },
      headers: {},
    };
  }
  log("http").error("Unexpected error on the OpenAI endpoint: {error}", {
    error: err instanceof Error ? err.stack ?? err.message : String(err),
  });
  return {
    status: 500,
    body: {
      error: {
        message: "Unexpected error in Promptsmith; the details are in its log.",
        type: "api_error",
        param: null,
        code: null,
      },
    },
    headers: {},
  };
}

/** A message content part; only text parts can be used. */
const ContentPart = z.object({ type: z.string(), text: z.string().optional() });

/** One chat message as the Chat Completions API takes it. */
export const OpenAiMessage = z.object({
  role: z.string(),
  content: z.union([z.string(), z.array(ContentPart)]).nullish(),
});

/** `POST /v1/chat/completions`, the fields we read (others are accepted and ignored). */
export const ChatCompletionBody = z.object({
  model: z.string(),
  messages: z.array(OpenAiMessage),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  seed: z.number().int().nullish(),
  response_format: z.object({ type: z.string() }).nullish(),
  reasoning_effort: z.string().nullish(),
  tools: z.array(z.unknown()).nullish(),
});

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
  if (typeof value === "boolean") return "a boolean";
  return typeof value === "object" ? "an object" : "a string";
}

function paramOf(path: PropertyKey[]): string {
  return path.map((p, i) => typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)
    .join("");
}

/** Reads and checks a JSON body; problems are 400s worded as the OpenAI API words them. */
export async function readOpenAiBody<T extends z.ZodType>(req: Request, schema: T) {
  const text = await req.text();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new OpenAiError(
      400,
      "We could not parse the JSON body of your request: send a JSON object with " +
        "Content-Type: application/json.",
    );
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new OpenAiError(
      400,
      `Invalid body: expected an object, but got ${describe(raw)} instead.`,
    );
  }
  const nul = findNul(raw);
  if (nul) throw new OpenAiError(400, nulMessage(nul), nul.field);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data as z.infer<T>;
  const issue = parsed.error.issues[0]!;
  const param = paramOf(issue.path);
  let value: unknown = raw;
  for (const key of issue.path) {
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
  }
  if (value === undefined) {
    throw new OpenAiError(400, `Missing required parameter: '${param}'.`, param);
  }
  if (issue.code === "too_big" || issue.code === "too_small") {
    throw new OpenAiError(
      400,
      `Invalid '${param}': ${
        issue.code === "too_big" ? "above maximum" : "below minimum"
      } value. ` +
        `Expected a value ${issue.code === "too_big" ? "<=" : ">="} ${
          String(
            (issue as { maximum?: unknown; minimum?: unknown }).maximum ??
              (issue as { minimum?: unknown }).minimum,
          )
        }, but got ${String(value)} instead.`,
      param,
    );
  }
  throw new OpenAiError(
    400,
    `Invalid type for '${param}': expected ${
      issue.code === "invalid_type" ? `${issue.expected}` : "another value"
    }, but got ${describe(value)} instead.`,
    param,
  );
}
