import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Theme } from "../../views/layout.tsx";

/** Name of the cookie that remembers a browser's colour theme. */
export const THEME_COOKIE = "promptsmith_theme";

/** Reads a theme name; anything else is "system". */
export function parseTheme(raw: string | undefined | null): Theme {
  return raw === "light" || raw === "dark" ? raw : "system";
}

/** The theme this browser chose. */
export function themeOf(c: Context): Theme {
  return parseTheme(getCookie(c, THEME_COOKIE));
}

/** Remembers a theme for about a year (the longest a browser keeps a cookie). */
export function rememberTheme(c: Context, theme: Theme): void {
  setCookie(c, THEME_COOKIE, theme, {
    sameSite: "Lax",
    path: "/",
    maxAge: 400 * 24 * 60 * 60,
  });
}
