import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import type { Config } from "../../lib/app/config.ts";
import { browserCookieValue, safeEqual } from "../../lib/app/auth.ts";
import { renderPage } from "../../views/render.ts";
import { LoginPage } from "../../views/login_page.tsx";
import { AUTH_COOKIE } from "../http/guards.ts";

function safeNext(raw: string | undefined): string {
  return raw && raw.startsWith("/") && !raw.startsWith("//") && !raw.startsWith("/\\") ? raw : "/";
}

/** `GET /login` and `POST /login` for browsers when AUTH_TOKEN is set. */
export function loginRoutes(config: Pick<Config, "authToken">): Hono {
  return new Hono()
    .get("/login", (c) => c.html(renderPage(<LoginPage next={safeNext(c.req.query("next"))} />)))
    .post("/login", async (c) => {
      const form = new URLSearchParams(await c.req.text());
      const next = safeNext(form.get("next") ?? undefined);
      const token = config.authToken;
      if (!token || !safeEqual(form.get("token") ?? "", token)) {
        return c.html(renderPage(<LoginPage next={next} failed />), 401);
      }
      setCookie(c, AUTH_COOKIE, browserCookieValue(token), {
        httpOnly: true,
        sameSite: "Lax",
        path: "/",
        maxAge: 60 * 60 * 24 * 30,
      });
      return c.redirect(next, 303);
    });
}
