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

/** Whether a host name or address only reaches this machine (IPv4-mapped IPv6 included). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Why a request may not use the admin routes, or null when it may. As in the original app: with
 * `ADMIN_API_KEY` set only that key opens them (from anywhere, this machine included); without
 * it only this machine does. `peer` is the peer address, or "local" for in-process requests.
 */
export function adminRefusal(
  adminKey: string | undefined,
  peer: string,
  sentKey: string | undefined,
): string | null {
  if (adminKey) {
    if (sentKey && safeEqual(sentKey, adminKey)) return null;
    return "send the ADMIN_API_KEY in the X-Admin-API-Key header (or the admin_api_key query parameter)";
  }
  if (peer === "local" || isLoopback(peer)) return null;
  return "only this machine may use it; set ADMIN_API_KEY on the server and send that key to allow others";
}
