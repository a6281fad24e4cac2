import type { StoredMessage } from "../lib/chat/conversations.ts";
import type { Target } from "../lib/prompt/targets.ts";
import { parseReply } from "../lib/prompt/reply_parser.ts";
import { StopButton, ThinkingStream } from "./run_controls.tsx";
import { ErrorAlert } from "./error_alert.tsx";
import { bothPrompts, type ErrorView } from "./result_panel.tsx";

/** Who answers in a conversation: a persona, or the plain prompt refiner. */
export interface Speaker {
  name: string;
  icon: string;
}

/** The speaker when no persona is chosen. */
export const REFINER: Speaker = { name: "Prompt refiner", icon: "✦" };

/** Props of the chat panel. */
export interface ChatPanelProps {
  messages: StoredMessage[];
  /** The conversation's target, for reading prompts out of the replies. */
  target: Target;
  speaker: Speaker;
  /** Persona replies count as prompts only when labelled. */
  persona?: boolean;
  error?: ErrorView;
  /** A run streaming the next assistant message. */
  runId?: string;
  /** The message being answered while streaming. */
  pending?: string;
  /** A message that could not be sent; the page puts it back in the message box. */
  unsent?: string;
  reset?: boolean;
}

function Reply(
  { message, index, target, persona, before, busy }: {
    message: StoredMessage;
    index: number;
    target: Target;
    persona: boolean;
    /** A reply is streaming: Regenerate waits for it. */
    busy: boolean;
    /** The user message this reply answers. */
    before?: StoredMessage;
  },
) {
  const parsed = parseReply(message.content, { ...target, requireLabel: persona });
  const isPrompt = !message.stopped && parsed.kind === "prompt" && parsed.positive;
  const copyId = `msg-${index}-copy`;
  const asked = before ? before.typed ?? before.content : undefined;
  return (
    <>
      {isPrompt
        ? (
          <div class="text">
            <p class="prompt-text">{parsed.positive}</p>
            {parsed.negative && (
              <p class="prompt-text negative">
                <span class="label">Negative:</span> {parsed.negative}
              </p>
            )}
            {parsed.alternates.length > 0 && (
              <div class="alternates" aria-label="Other versions">
                {parsed.alternates.map((text, i) => (
                  <div class="alternate">
                    <p class="prompt-text">{text}</p>
                    <textarea id={`msg-${index}-alt-${i + 1}`} hidden>
                      {text}
                    </textarea>
                    <button
                      type="button"
                      class="copy secondary"
                      data-copy={`#msg-${index}-alt-${i + 1}`}
                    >
                      Copy version {i + 2}
                    </button>
                  </div>
                ))}
              </div>
            )}
            {parsed.notes && (
              <details class="thinking notes">
                <summary>Notes from the model</summary>
                <p>{parsed.notes}</p>
              </details>
            )}
          </div>
        )
        : message.content || !message.message
        ? <div class="text">{message.content}</div>
        : (
          <div class="text">
            <p class="notice" role="status">{message.message}</p>
          </div>
        )}
      {message.stopped && (
        <p class="stopped-tag">
          <span class="badge warn">
            {message.stopped === "error" ? "Cut off by an error" : "Stopped"}
          </span>{" "}
          {message.content ? "This is the reply so far." : "Stopped before the first word."}
        </p>
      )}
      <div class="msg-actions">
        {message.content && (
          <>
            <textarea id={copyId} hidden>
              {isPrompt ? bothPrompts(parsed.positive, parsed.negative) : message.content}
            </textarea>
            <button type="button" class="copy secondary" data-copy={`#${copyId}`}>Copy</button>
          </>
        )}
        {asked && (
          <button
            type="submit"
            form="gen-form"
            name="regenerate"
            value={asked}
            formnovalidate
            class="secondary"
            title="Ask again with the same message; this reply stays"
            disabled={busy}
            data-send
          >
            Regenerate
          </button>
        )}
        {isPrompt && message.history_id !== undefined && (
          <a class="button secondary" href={`/ui/comfy/send?history_id=${message.history_id}`}>
            Send to ComfyUI
          </a>
        )}
      </div>
    </>
  );
}

/**
 * The Chat & Refine conversation, swapped as `#chat`. The transcript scrolls from its end (the
 * newest message stays in view, with or without JavaScript); the message box is outside, so a
 * swap never touches what is being typed.
 */
export function ChatPanel(
  { messages, target, speaker, persona = false, error, runId, pending, unsent, reset }:
    ChatPanelProps,
) {
  const empty = !messages.length && !pending && !unsent;
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
        <h2>
          Conversation{" "}
          <span class="speaker">
            with <span aria-hidden="true">{speaker.icon}</span> {speaker.name}
          </span>
        </h2>
        <form method="post" action="/ui/chat/reset">
          <button
            type="submit"
            class="secondary small"
            disabled={!messages.length && !pending}
          >
            New conversation
          </button>
        </form>
      </div>
      {reset && (
        <p class="notice" role="status">
          You changed the target or persona, so a new conversation started.
        </p>
      )}
      {empty && (
        <p class="hint">
          Describe an image, then refine it turn by turn: "darker", "add rain", "as tags for SDXL".
        </p>
      )}
      <div class="transcript-scroll" tabindex={0} aria-label="Messages">
        <ol class="transcript">
          {messages.map((m, i) => (
            <li class={`msg ${m.role}${m.stopped ? " stopped" : ""}`}>
              <span class="who">
                {m.role === "user" ? "You" : (
                  <>
                    <span aria-hidden="true">{speaker.icon}</span> {speaker.name}
                  </>
                )}
              </span>
              {m.role === "user" ? <div class="text">{m.typed ?? m.content}</div> : (
                <Reply
                  message={m}
                  index={i}
                  target={target}
                  persona={persona}
                  busy={runId !== undefined}
                  before={messages[i - 1]?.role === "user" ? messages[i - 1] : undefined}
                />
              )}
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
              <span class="who">
                <span aria-hidden="true">{speaker.icon}</span> {speaker.name}
                <span class="badge pulse">Writing…</span>
              </span>
              <ThinkingStream />
              <div class="text stream-text" sse-swap="token" hx-swap="beforeend"></div>
              <StopButton runId={runId} />
            </li>
          )}
          {unsent && (
            <li class="msg user unsent" data-restore={unsent}>
              <span class="who">You · not sent</span>
              <div class="text">{unsent}</div>
            </li>
          )}
        </ol>
      </div>
      {runId && <div sse-swap="final" hx-target="#chat" hx-swap="outerHTML"></div>}
      <ErrorAlert error={error} />
    </section>
  );
}

/** The message box under the conversation; it belongs to the settings form by its `form` id. */
export function Composer({ draft }: { draft: string }) {
  return (
    <div class="panel composer">
      <label for="input" class="visually-hidden">Your message</label>
      <textarea
        id="input"
        name="input"
        form="gen-form"
        rows={3}
        maxlength={8000}
        required
        data-enter-sends
        placeholder="Describe an image, or ask to change it: moodier, add rain, low angle…"
      >
        {draft}
      </textarea>
      <div class="composer-actions">
        <span class="hint" id="composer-hint">Enter sends · Shift+Enter for a new line</span>
        <span class="hint queued" role="status" hidden>Sends when the reply is finished</span>
        <button type="submit" form="gen-form" class="primary" data-send>Send</button>
      </div>
    </div>
  );
}
