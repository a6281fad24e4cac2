import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, type ErrorBody } from "../../lib/app/errors.ts";
import { fromDatabaseError } from "../../lib/history/store.ts";
import { log } from "../../lib/app/logger.ts";
import { apiHint } from "./lookup_hint.ts";

/** Maps any thrown error to the API's JSON error shape; never leaks a stack trace. */
export function errorResponse(err: unknown, c: Context): Response {
  // Any SQLite failure (read-only file, full disk, corruption) is the store being unavailable,
  // whichever route touched it: a 503 that says generation still works, never a 500.
  const mapped = fromDatabaseError(err);
  if (mapped !== err) {
    log("history").error("Database error on {path}: {error}", {
      path: c.req.path,
      error: String(err),
    });
    err = mapped;
  }
  if (err instanceof AppError) {
    const body = err.toBody();
    if (err.lookup) body.message = `${body.message}; ${apiHint(err.lookup)}`;
    return c.json(body, err.status as 400, err.headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const body: ErrorBody = status === 413
      ? {
        error: "Payload too large",
        message: "The request body is larger than 1 MB: send a shorter body.",
        status,
        type: "payload_too_large",
      }
      : {
        error: "Request error",
        message: err.message || "The request could not be handled.",
        status,
      };
    return c.json(body, status);
  }
  if (err instanceof DOMException && err.name === "AbortError") {
    return c.json(
      { error: "Cancelled", message: "The request was cancelled.", status: 499 },
      499 as 400,
    );
  }
  log("http").error("Unexpected error on {method} {path}: {error}", {
    method: c.req.method,
    path: c.req.path,
    error: err instanceof Error ? err.stack ?? err.message : String(err),
  });
  return c.json({
    error: "Unexpected error",
    message: "Something went wrong on our side; the details are in the log. Try again.",
    status: 500,
    type: "unexpected_error",
  }, 500);
}

function patternToRegExp(path: string): RegExp {
  const source = path.split("/").map((part) => {
    if (part === "*") return ".*";
    if (part.startsWith(":")) return "[^/]+";
    return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }).join("/");
  return new RegExp(`^${source}/?$`);
}

/** 404 for unknown paths, 405 (with `Allow`) for known paths with another method. */
export function notFoundResponse(app: Hono, c: Context): Response {
  const allowed = new Set<string>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    if (patternToRegExp(route.path).test(c.req.path)) allowed.add(route.method);
  }
  if (allowed.size) {
    if (allowed.has("GET")) allowed.add("HEAD");
    c.header("Allow", [...allowed].sort().join(", "));
    return c.json({
      error: "Method not allowed",
      message: `${c.req.method} is not supported on ${c.req.path}; use ${
        [...allowed].sort().join(" or ")
      }.`,
      status: 405,
    }, 405);
  }
  return c.json({
    error: "Not found",
    message: `Nothing is at ${c.req.path}; the README lists the API routes.`,
    status: 404,
  }, 404);
}
