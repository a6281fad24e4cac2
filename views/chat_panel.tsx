import type { StoredMessage } from "../lib/chat/conversations.ts";
import { StopButton, ThinkingStream } from "./run_controls.tsx";
import { ErrorAlert } from "./error_alert.tsx";
import { type ErrorView, ResultBody, type ResultView } from "./result_panel.tsx";

/** Props of the chat panel. */
export interface ChatPanelProps {
  messages: StoredMessage[];
  /** The last turn's parsed result, shown under the transcript. */
  last?: ResultView;
  error?: ErrorView;
  /** A run streaming the next assistant message. */
  runId?: string;
  /** The message being answered while streaming. */
  pending?: string;
  reset?: boolean;
}

/** The Chat & Refine transcript with the newest result, swapped as `#chat`. */
export function ChatPanel({ messages, last, error, runId, pending, reset }: ChatPanelProps) {
  return (
    <section
      id="chat"
      class="panel chat"
      aria-label="Conversation"
      {...(runId
        ? {
          "hx-ext": "sse",
          "sse-connect": `/ui/runs/${runId}/stream`,
          "sse-close": "close",
          "aria-busy": "true",
        }
        : {})}
    >
      <div class="chat-head">
        <h2>Conversation</h2>
        <form method="post" action="/ui/chat/reset">
          <button type="submit" class="secondary" disabled={!messages.length && !pending}>
            New conversation
          </button>
        </form>
      </div>
      {reset && (
        <p class="notice" role="status">
          You changed the target or persona, so a new conversation started.
        </p>
      )}
      {!messages.length && !pending && (
        <p class="hint">
          Describe an image, then refine it turn by turn: "darker", "add rain", "as tags for SDXL".
        </p>
      )}
      <ol class="transcript">
        {messages.map((m) => (
          <li class={`msg ${m.role}`}>
            <span class="who">{m.role === "user" ? "You" : "Assistant"}</span>
            <div class="text">{m.typed ?? m.content}</div>
          </li>
        ))}
        {pending && (
          <li class="msg user">
            <span class="who">You</span>
            <div class="text">{pending}</div>
          </li>
        )}
        {runId && (
          <li class="msg assistant">
            <span class="who">Assistant</span>
            <ThinkingStream />
            <div class="text stream-text" sse-swap="token" hx-swap="beforeend"></div>
            <StopButton runId={runId} />
          </li>
        )}
      </ol>
      {runId && <div sse-swap="final" hx-target="#chat" hx-swap="outerHTML"></div>}
      <ErrorAlert error={error} />
      {last && <ResultBody result={last} />}
    </section>
  );
}
