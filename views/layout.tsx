import type { ComponentChildren } from "preact";
import { APP_VERSION } from "../lib/app/version.ts";

/** Props of the page shell. */
export interface LayoutProps {
  title: string;
  children: ComponentChildren;
  /** Which header link is current. */
  current?: "home" | "history" | "comfy";
  /** The LLM server's status; `name` says what it is (Ollama, OpenAI-compatible server). */
  ollama?: { reachable: boolean; url: string; name?: string };
  /** Extra head elements, e.g. a no-script refresh. */
  head?: ComponentChildren;
}

const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  historyCacheSize: 0,
});

/** The page shell: head, header with navigation and LLM server status, and the main content. */
export function Layout({ title, children, current, ollama, head }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{title}</title>
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={`/static/app.css?v=${APP_VERSION}`} />
        <script src={`/static/vendor/htmx.min.js?v=${APP_VERSION}`} defer></script>
        <script src={`/static/vendor/sse.min.js?v=${APP_VERSION}`} defer></script>
        <script src={`/static/app.js?v=${APP_VERSION}`} defer></script>
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
          {ollama && (
            <span
              class={`status ${ollama.reachable ? "ok" : "down"}`}
              title={`${ollama.name ?? "Ollama"} at ${ollama.url}`}
              role="status"
            >
              {ollama.name ?? "Ollama"} {ollama.reachable ? "connected" : "offline"}{" "}
              <span class="status-url">{ollama.url}</span>
            </span>
          )}
        </header>
        <main id="main">{children}</main>
        <footer class="footer">
          Promptsmith {APP_VERSION} · runs on your machine; nothing leaves it.
        </footer>
      </body>
    </html>
  );
}
