import { createHmac, timingSafeEqual } from "node:crypto";

/** Compares secrets in constant time. */
export function safeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The browser cookie value for a token: a keyed hash, so the token itself never sits in a cookie. */
export function browserCookieValue(token: string): string {
  return createHmac("sha256", token).update("promptsmith-browser-login").digest("base64url");
}

/** Whether a host name or address only reaches this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}
