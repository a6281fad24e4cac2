import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";

/** Name of the cookie that holds the opaque session id. */
export const SESSION_COOKIE = "promptsmith_session";
/** What a session id looks like: 128 random bits, URL-safe. */
export const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** A new opaque session id: 128 random bits, URL-safe. */
export function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

/** The session of a request: the body's `session_id`, else the cookie, else a new one (set as cookie). */
export function sessionOf(c: Context, fromBody?: string): string {
  if (fromBody) return fromBody;
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie && SESSION_ID.test(cookie)) return cookie;
  const sid = newSessionId();
  setCookie(c, SESSION_COOKIE, sid, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    maxAge: 60 * 60 * 24 * 30,
  });
  return sid;
}
