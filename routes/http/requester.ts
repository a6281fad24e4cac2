import type { Context } from "hono";
import type { Requester } from "../../lib/app/slots.ts";
import { cookieSession } from "./session.ts";

/** The peer's address, or "local" for in-process requests (tests, the command line). */
export function peerAddress(c: Context): string {
  const addr = (c.env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr?.hostname;
  return addr ?? "local";
}

/**
 * Who a request comes from, for the generation cap: a session only when we signed it (an invented
 * cookie is worth nothing), otherwise the peer address, which a client cannot choose.
 */
export function requesterOf(c: Context, secret: Uint8Array): Requester {
  const address = peerAddress(c);
  const session = cookieSession(c, secret);
  return { key: session ? `session:${session}` : `addr:${address}`, address };
}
