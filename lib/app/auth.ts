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

const PROBE_ORIGIN = "http://promptsmith.invalid";

/** Whether text holds a control character (tab and newline too) or a backslash. */
export function hasControlOrBackslash(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x5c) return true;
  }
  return false;
}

/**
 * Where a login may send the browser next: a path on this site, as the browser itself would
 * resolve it. Browsers drop tabs and newlines and read `\` as `/` before resolving, so any control
 * character or backslash is refused outright, then the parsed URL must stay on our origin. The
 * answer is the parsed path (percent-encoded), which is always a valid Location header.
 */
export function safeNextPath(raw: string | undefined): string {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//")) return "/";
  if (hasControlOrBackslash(raw)) return "/";
  let url: URL;
  try {
    url = new URL(raw, PROBE_ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== PROBE_ORIGIN) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("//") ? "/" : path;
}

/** Options for `LoginThrottle`. */
export interface LoginThrottleOptions {
  /** Failed tries a peer has before it must wait. */
  free?: number;
  /** The longest wait, however many failures. */
  maxWaitMs?: number;
  /** A peer quiet this long starts afresh. */
  forgetMs?: number;
  /** Peers remembered at most; past it the oldest go first. */
  maxPeers?: number;
  now?: () => number;
}

interface Failures {
  count: number;
  /** When the peer may try again. */
  until: number;
  last: number;
}

/**
 * Slows down token guessing from one peer: a few free failures, then a wait that doubles with
 * each further one (1 s, 2 s, 4 s… up to 15 min). The wait applies to every try, a right token
 * too, so a guesser cannot test tokens while held back.
 */
export class LoginThrottle {
  readonly #free: number;
  readonly #maxWaitMs: number;
  readonly #forgetMs: number;
  readonly #maxPeers: number;
  readonly #now: () => number;
  readonly #peers = new Map<string, Failures>();

  constructor(options: LoginThrottleOptions = {}) {
    this.#free = options.free ?? 5;
    this.#maxWaitMs = options.maxWaitMs ?? 15 * 60_000;
    this.#forgetMs = options.forgetMs ?? 30 * 60_000;
    this.#maxPeers = options.maxPeers ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** How long the peer must wait before its next try, in ms (0: it may try now). */
  wait(peer: string): number {
    const f = this.#live(peer);
    return f ? Math.max(0, f.until - this.#now()) : 0;
  }

  /** Counts a wrong token from the peer. */
  failed(peer: string): void {
    const now = this.#now();
    const f = this.#live(peer) ?? { count: 0, until: 0, last: now };
    f.count++;
    f.last = now;
    const over = f.count - this.#free;
    f.until = over >= 0 ? now + Math.min(this.#maxWaitMs, 1000 * 2 ** Math.min(over, 30)) : 0;
    // Re-inserting keeps the map in order of last failure, so the oldest go first.
    this.#peers.delete(peer);
    this.#peers.set(peer, f);
    for (const key of this.#peers.keys()) {
      if (this.#peers.size <= this.#maxPeers) break;
      this.#peers.delete(key);
    }
  }

  /** A right token: the peer starts afresh. */
  succeeded(peer: string): void {
    this.#peers.delete(peer);
  }

  /** Peers remembered now. */
  get size(): number {
    return this.#peers.size;
  }

  #live(peer: string): Failures | undefined {
    const f = this.#peers.get(peer);
    if (f && this.#now() - f.last > this.#forgetMs && this.#now() >= f.until) {
      this.#peers.delete(peer);
      return undefined;
    }
    return f;
  }
}
