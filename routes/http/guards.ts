import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Config } from "../../lib/app/config.ts";
import { browserCookieValue, isLoopback, safeEqual } from "../../lib/app/auth.ts";

/** Name of the cookie a browser gets after logging in with the access token. */
export const AUTH_COOKIE = "promptsmith_auth";

/** The Content-Security-Policy: our own scripts and styles only, no framing, no inline script. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** Security headers on every response. */
export function securityHeaders(): MiddlewareHandler {
  return async function setSecurityHeaders(c, next) {
    await next();
    const h = c.res.headers;
    h.set("Content-Security-Policy", CSP);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "same-origin");
    h.set("X-Frame-Options", "DENY");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    h.set("Cross-Origin-Resource-Policy", "same-origin");
  };
}

function forbidden(c: Context, message: string, type: string) {
  return c.json({ error: "Forbidden", message, status: 403, type }, 403);
}

function hostName(host: string): string {
  return host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]!;
}

/**
 * Refuses requests whose Host is a name we do not know: DNS rebinding needs a name the attacker
 * controls, so loopback names, IP addresses, the bound host and ALLOWED_HOSTS are accepted.
 */
export function hostGuard(config: Pick<Config, "host" | "allowedHosts">): MiddlewareHandler {
  const allowed = new Set(["localhost", config.host.toLowerCase(), ...config.allowedHosts]);
  return async function checkHost(c, next) {
    const raw = (c.req.header("host") ?? new URL(c.req.url).host).toLowerCase();
    const name = hostName(raw);
    const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.startsWith("[");
    if (!(ip || allowed.has(name) || name.endsWith(".localhost") || isLoopback(name))) {
      return forbidden(
        c,
        `Requests for host "${name}" are refused (DNS rebinding protection); add it to ALLOWED_HOSTS if it is yours.`,
        "host_not_allowed",
      );
    }
    await next();
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses state-changing requests that a browser sent from another site. Sec-Fetch-Site decides
 * first, Origin second; scripts that send neither are let through (they are not browsers).
 */
export function csrfGuard(): MiddlewareHandler {
  return async function checkOrigin(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return await next();
    const site = c.req.header("sec-fetch-site");
    if (site) {
      if (site !== "same-origin" && site !== "none") {
        return forbidden(
          c,
          `Cross-site ${c.req.method} refused: use the app's own pages, or call the API from a script.`,
          "csrf",
        );
      }
      return await next();
    }
    const origin = c.req.header("origin");
    if (origin !== undefined) {
      const url = new URL(c.req.url);
      const expected = `${url.protocol}//${c.req.header("host") ?? url.host}`;
      if (origin !== expected) {
        return forbidden(c, `Cross-origin ${c.req.method} from ${origin} refused.`, "csrf");
      }
    }
    await next();
  };
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
function bearerOf(c: Context): string | undefined {
  return c.req.header("authorization")?.match(/^Bearer\s+(\S.*)$/i)?.[1]?.trim();
}

/** Whether the request carries AUTH_TOKEN as a bearer token (only when one is set). */
export function hasBearerToken(c: Context, config: Pick<Config, "authToken">): boolean {
  const token = config.authToken;
  if (!token) return false;
  const bearer = bearerOf(c);
  return bearer !== undefined && safeEqual(bearer, token);
}

/**
 * With AUTH_TOKEN set, every request needs it: `Authorization: Bearer <token>` from scripts, or
 * the login cookie from browsers (who are sent to /login first).
 */
export function authGuard(config: Pick<Config, "authToken">): MiddlewareHandler {
  const token = config.authToken;
  const cookieValue = token ? browserCookieValue(token) : "";
  return async function checkAuth(c, next) {
    if (!token) return await next();
    const path = c.req.path;
    // Logging out needs no login: it only clears the cookie (and the CSRF guard ran first).
    if (path === "/login" || path === "/logout" || path.startsWith("/static/")) {
      return await next();
    }
    const bearer = bearerOf(c);
    if (bearer && safeEqual(bearer, token)) return await next();
    const cookie = getCookie(c, AUTH_COOKIE);
    if (cookie && safeEqual(cookie, cookieValue)) return await next();
    if (c.req.method === "GET" && (c.req.header("accept") ?? "").includes("text/html")) {
      return c.redirect(`/login?next=${encodeURIComponent(path + new URL(c.req.url).search)}`, 303);
    }
    return c.json({
      error: "Unauthorized",
      message:
        "This server needs its access token: send Authorization: Bearer <AUTH_TOKEN>, or log in at /login.",
      status: 401,
      type: "unauthorized",
    }, 401);
  };
}
