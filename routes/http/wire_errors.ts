import type { MiddlewareHandler } from "hono";
import type { ErrorBody } from "../../lib/app/errors.ts";

function isErrorBody(value: unknown): value is ErrorBody {
  const v = value as Partial<ErrorBody> | null;
  return typeof v === "object" && v !== null && typeof v.error === "string" &&
    typeof v.message === "string" && typeof v.status === "number";
}

/**
 * Rewrites the app's own JSON errors (from the guards, the body limit, the error handler) into a
 * wire protocol's error shape, for the paths a foreign client calls: an Ollama or OpenAI client
 * reads its own shape and would lose our message in ours.
 */
export function wireErrors(
  shape: (body: ErrorBody) => unknown,
  contentType = "application/json; charset=utf-8",
): MiddlewareHandler {
  return async function rewriteErrors(c, next) {
    await next();
    const res = c.res;
    if (res.status < 400 || !(res.headers.get("content-type") ?? "").includes("application/json")) {
      return;
    }
    let body: unknown;
    try {
      body = await res.clone().json();
    } catch {
      return;
    }
    if (!isErrorBody(body)) return;
    const headers = new Headers(res.headers);
    headers.set("content-type", contentType);
    headers.delete("content-length");
    c.res = undefined;
    c.res = new Response(JSON.stringify(shape(body)), { status: res.status, headers });
  };
}
