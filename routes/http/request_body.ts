import { refuseNul } from "../../lib/app/nul.ts";
import type { Context } from "hono";
import { z } from "zod";
import { AppError, badInput } from "../../lib/app/errors.ts";

const EXAMPLES: Record<string, string> = {
  input: 'send the image idea as text, e.g. {"input": "a lighthouse in a storm"}',
  message: 'send your message as text, e.g. {"message": "make it moodier"}',
  persona_id: "GET /api/personas lists the ids",
  model: "GET /api/targets lists the target models",
  text: 'send the prompt to count as text, e.g. {"text": "a red fox, snow", "model": "sdxl"}',
};

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Turns the first schema problem into one sentence that names the field and says what to send. */
export function describeIssue(issue: z.core.$ZodIssue, body: unknown): string {
  const field = issue.path.length ? issue.path.map(String).join(".") : "body";
  const hint = EXAMPLES[field] ? `; ${EXAMPLES[field]}` : "";
  let value: unknown = body;
  for (const key of issue.path) {
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
  }
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return `${field} is required${hint}`;
      return `${field} must be ${
        issue.expected === "array" ? "a list" : `a ${issue.expected}`
      }, not ${describeType(value)}${hint}`;
    case "too_small":
      if (issue.origin === "string" && issue.minimum === 1) {
        return `${field} must not be empty${hint}`;
      }
      if (issue.origin === "number") {
        return `${field} must be at least ${issue.minimum}; send a larger number`;
      }
      if (issue.origin === "array") return `${field} needs at least ${issue.minimum} item(s)`;
      return `${field} is too small: ${issue.message}`;
    case "too_big":
      if (issue.origin === "string") {
        return `${field} is too long: at most ${issue.maximum} characters are accepted; shorten it`;
      }
      if (issue.origin === "number") {
        return `${field} must be at most ${issue.maximum}; send a smaller number`;
      }
      if (issue.origin === "array") return `${field} has too many items: at most ${issue.maximum}`;
      return `${field} is too large: ${issue.message}`;
    case "unrecognized_keys":
      return `${field}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
    default:
      return `${field}: ${issue.message}${hint}`;
  }
}

/** Validates JSON text against a schema; problems are 400s in the error shape. */
export function parseJsonBody<T extends z.ZodType>(text: string, schema: T): z.infer<T> {
  if (!text.trim()) {
    throw new AppError(
      400,
      "Invalid request",
      'The request has no body: send a JSON object with Content-Type: application/json, e.g. {"input": "a cat"}',
      "invalid_request",
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError(
      400,
      "Invalid request",
      "The body is not valid JSON: send a JSON object with Content-Type: application/json",
      "invalid_request",
    );
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AppError(
      400,
      "Invalid request",
      'The body must be a JSON object, e.g. {"input": "a cat"}',
      "invalid_request",
    );
  }
  refuseNul(body);
  const result = schema.safeParse(body);
  if (!result.success) throw badInput(describeIssue(result.error.issues[0]!, body));
  return result.data;
}

/** Reads a JSON object body and validates it. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  return parseJsonBody(await c.req.text(), schema);
}

/** A parser for stored requests (replays): the schema's result, or a 400 with the given lead. */
export function parseRequestWith<T extends z.ZodType>(
  schema: T,
  lead: string,
): (raw: Record<string, unknown>) => z.infer<T> {
  return (raw) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw badInput(`${lead}${describeIssue(parsed.error.issues[0]!, raw)}`);
    return parsed.data;
  };
}

/** True when the request is a multipart form post. */
export function isMultipart(c: Context): boolean {
  return (c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
}
