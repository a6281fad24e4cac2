import { badInput } from "./errors.ts";

/** What a session id looks like: 128 random bits, URL-safe (16 to 64 characters allowed). */
export const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Checks a session id before it becomes part of a KV key: routes validate what clients send, and
 * this holds the stores to it too, so a forgotten check is a 400 rather than KV's "key too
 * large" 500.
 */
export function checkSessionId(sid: string): string {
  if (!SESSION_ID.test(sid)) {
    throw badInput(
      "session_id: must be the session_id a previous reply gave (16 to 64 letters, digits, - or _)",
    );
  }
  return sid;
}
