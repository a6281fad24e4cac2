import type { ComponentChildren } from "preact";
import { APP_VERSION } from "../lib/app/version.ts";
import { Announce, type OllamaState, OllamaStatus } from "./ollama_status.tsx";

/** The colour scheme a browser chose: light, dark, or whatever its system says. */
export type Theme = "light" | "dark" | "system";

/** Props of the page shell. */
export interface LayoutProps {
  title: string;
  children: ComponentChildren;
  /** Which header link is current. */
  current?: "home" | "history" | "comfy";
  ollama?: OllamaState;
  /** The browser's chosen colour scheme; "system" when it chose none. */
  theme?: Theme;
  /** Where the theme switch comes back to without JavaScript. */
  path?: string;
  /** Extra head elements, e.g. a no-script refresh. */
  head?: ComponentChildren;
  /** Show the logout button: the server asks for AUTH_TOKEN, so there is a login to end. */
  logout?: boolean;
}

const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  historyCacheSize: 0,
});

const THEMES: [Theme, string, string][] = [
  ["light", "☀", "Light"],
  ["dark", "☾", "Dark"],
  ["system", "◐", "System"],
];

/** Light, dark or system: three small submit buttons, so the switch works without JavaScript. */
function ThemeSwitch({ theme, path }: { theme: Theme; path: string }) {
  return (
    <form method="post" action="/ui/theme" class="theme-switch" aria-label="Colour theme">
      <input type="hidden" name="back" value={path} />
      {THEMES.map(([id, icon, label]) => (
        <button
          type="submit"
          name="theme"
          value={id}
          aria-pressed={theme === id ? "true" : "false"}
          title={`${label} theme`}
        >
          <span aria-hidden="true">{icon}</span>
          <span class="visually-hidden">{label} theme</span>
        </button>
      ))}
    </form>
  );
}

/** The page shell: head, header with navigation, the LLM server's status and theme, and the main content. */
export function Layout(
  { title, children, current, ollama, theme = "system", path = "/", head, logout }: LayoutProps,
) {
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content={theme === "system" ? "light dark" : theme} />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{title}</title>
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={`/static/app.css?v=${APP_VERSION}`} />
        <script src={`/static/vendor/htmx.min.js?v=${APP_VERSION}`} defer></script>
        <script src={`/static/vendor/sse.min.js?v=${APP_VERSION}`} defer></script>
        <script src={`/static/app.js?v=${APP_VERSION}`} defer></script>
        <script src={`/static/image_input.js?v=${APP_VERSION}`} defer></script>
        {head}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="topbar">
          <a class="brand" href="/">
            <span class="brand-mark" aria-hidden="true">✦</span> Promptsmith
          </a>
          <nav aria-label="Main">
            <a href="/" aria-current={current === "home" ? "page" : undefined}>Create</a>
            <a href="/ui/comfy" aria-current={current === "comfy" ? "page" : undefined}>ComfyUI</a>
            <a
              href="/ui/history"
              aria-current={current === "history" ? "page" : undefined}
              aria-keyshortcuts="h"
            >
              History
            </a>
          </nav>
          <div class="topbar-end">
            {ollama && <OllamaStatus ollama={ollama} />}
            <ThemeSwitch theme={theme} path={path} />
            {logout && (
              <form method="post" action="/logout" class="logout">
                <button type="submit" class="secondary small">Log out</button>
              </form>
            )}
          </div>
        </header>
        <main id="main">{children}</main>
        <Announce />
        <footer class="footer">
          Promptsmith {APP_VERSION} · runs on your machine; nothing leaves it.
        </footer>
      </body>
    </html>
  );
}
