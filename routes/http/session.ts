import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { createHmac, timingSafeEqual } from "node:crypto";
import { SESSION_ID } from "../../lib/app/session_id.ts";

/** Name of the cookie that holds the signed session id. */
export const SESSION_COOKIE = "promptsmith_session";

/** A new opaque session id: 128 random bits, URL-safe. */
function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

function signature(secret: Uint8Array, id: string): string {
  return createHmac("sha256", secret).update(id).digest("base64url").slice(0, 22);
}

/** The cookie value for a session: its id and our signature, so ids cannot be invented. */
export function signSession(secret: Uint8Array, id: string): string {
  return `${id}.${signature(secret, id)}`;
}

/** The session id a cookie value carries when we signed it, else null. */
function verifySession(secret: Uint8Array, value: string | undefined): string | null {
  if (!value || value.length > 200) return null;
  const dot = value.lastIndexOf(".");
  if (dot < 0) return null;
  const id = value.slice(0, dot);
  if (!SESSION_ID.test(id)) return null;
  const given = new TextEncoder().encode(value.slice(dot + 1));
  const wanted = new TextEncoder().encode(signature(secret, id));
  return given.length === wanted.length && timingSafeEqual(given, wanted) ? id : null;
}

/** Sessions made while answering a request, so one request never makes two. */
const issued = new WeakMap<Request, string>();

/** The session of the browser's signed cookie, or null when it has none we issued. */
export function cookieSession(c: Context, secret: Uint8Array): string | null {
  return verifySession(secret, getCookie(c, SESSION_COOKIE));
}

/**
 * The session a page is drawn for: the cookie's, or the one this very request was just given
 * (its first form post). Not for the generation cap, which counts only sessions a client kept.
 */
export function requestSession(c: Context, secret: Uint8Array): string | null {
  return cookieSession(c, secret) ?? issued.get(c.req.raw) ?? null;
}

/** The session of a request: the body's `session_id`, else the signed cookie, else a new one. */
export function sessionOf(c: Context, secret: Uint8Array, fromBody?: string): string {
  if (fromBody) return fromBody;
  const known = requestSession(c, secret);
  if (known) return known;
  const sid = newSessionId();
  issued.set(c.req.raw, sid);
  setCookie(c, SESSION_COOKIE, signSession(secret, sid), {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    maxAge: 60 * 60 * 24 * 30,
  });
  return sid;
}
