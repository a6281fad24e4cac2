/** Whether the LLM server answers, and where; drawn in the header and swapped when that changes. */
export interface OllamaState {
  reachable: boolean;
  url: string;
  /** What the server is: "Ollama", "OpenAI-compatible server", or "LLM server" while unknown. */
  name?: string;
}

/**
 * The status pill in the header. `oob` marks it for an htmx out-of-band swap, so a result that
 * found the LLM server gone (or back) corrects the pill beside it.
 */
export function OllamaStatus({ ollama, oob }: { ollama: OllamaState; oob?: boolean }) {
  return (
    <span
      id="ollama-status"
      class={`status ${ollama.reachable ? "ok" : "down"}`}
      title={`${ollama.name ?? "LLM server"} at ${ollama.url}`}
      role="status"
      hx-swap-oob={oob ? "true" : undefined}
    >
      {ollama.name ?? "LLM server"} {ollama.reachable ? "connected" : "offline"}{" "}
      <span class="status-url">{ollama.url}</span>
    </span>
  );
}

/**
 * The hidden live region a finished result is announced in, once (never token by token). It
 * stays in the page and only its text is swapped, so screen readers hear the change.
 */
export function Announce({ text, oob }: { text?: string; oob?: boolean }) {
  return (
    <div
      id="announce"
      class="visually-hidden"
      role="status"
      aria-live="polite"
      hx-swap-oob={oob ? "innerHTML" : undefined}
    >
      {text}
    </div>
  );
}
