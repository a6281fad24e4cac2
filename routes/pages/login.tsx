import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { Config } from "../../lib/app/config.ts";
import { browserCookieValue, LoginThrottle, safeEqual, safeNextPath } from "../../lib/app/auth.ts";
import { renderPage } from "../../views/render.ts";
import { LoginPage } from "../../views/login_page.tsx";
import { AUTH_COOKIE } from "../http/guards.ts";
import { peerAddress } from "../http/requester.ts";

/**
 * `GET /login`, `POST /login` and `POST /logout` for browsers when AUTH_TOKEN is set. Wrong
 * tokens are throttled per peer address (see `LoginThrottle`).
 */
export function loginRoutes(config: Pick<Config, "authToken">, now: () => number): Hono {
  const throttle = new LoginThrottle({ now });
  return new Hono()
    .get(
      "/login",
      (c) => c.html(renderPage(<LoginPage next={safeNextPath(c.req.query("next"))} />)),
    )
    .post("/login", async (c) => {
      const form = new URLSearchParams(await c.req.text());
      const next = safeNextPath(form.get("next") ?? undefined);
      const token = config.authToken;
      const peer = peerAddress(c);
      const wait = throttle.wait(peer);
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        c.header("Retry-After", String(seconds));
        return c.html(renderPage(<LoginPage next={next} waitSeconds={seconds} />), 429);
      }
      if (!token || !safeEqual(form.get("token") ?? "", token)) {
        throttle.failed(peer);
        return c.html(renderPage(<LoginPage next={next} failed />), 401);
      }
      throttle.succeeded(peer);
      setCookie(c, AUTH_COOKIE, browserCookieValue(token), {
        httpOnly: true,
        sameSite: "Lax",
        path: "/",
        maxAge: 60 * 60 * 24 * 30,
      });
      return c.redirect(next, 303);
    })
    .post("/logout", (c) => {
      deleteCookie(c, AUTH_COOKIE, { path: "/", httpOnly: true, sameSite: "Lax" });
      return c.redirect("/login", 303);
    });
}
