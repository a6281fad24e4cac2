import type { Target } from "../lib/prompt/targets.ts";
import { RunBadges, ThinkingStream } from "./run_controls.tsx";
import { ErrorAlert } from "./error_alert.tsx";
import { encoderLabel } from "../lib/prompt/targets.ts";
import { tokenReport } from "../lib/prompt/target_tokens.ts";

/** A finished prompt as the page shows it. */
export interface ResultView {
  positive: string;
  negative: string | null;
  result: string;
  engine: string;
  fallback_reason?: string | null;
  /** The model's commentary beside the prompt, shown folded away. */
  notes?: string | null;
  /** Further prompts the model offered besides the main one. */
  alternates?: string[];
  thinking?: string | null;
  history_id: number | null;
  /** The disk was full: what was not saved, and what to do. */
  not_saved?: { message: string } | null;
  target: Target;
  ollama_model?: string | null;
  /** Said when the reply holds no prompt: it was only reasoning, or empty. */
  message?: string | null;
  /** The generation was stopped: `result` is the reply so far, and nothing was saved. */
  stopped?: boolean;
}

export type { ErrorView } from "./error_alert.tsx";
import type { ErrorView } from "./error_alert.tsx";

/** Where a chunk starts, as the words a reader can find in the prompt. */
function startsAt(text: string, offset: number): string {
  const rest = text.slice(offset).trimStart();
  return rest.length > 28 ? `${rest.slice(0, 27)}…` : rest;
}

/**
 * The token meter: the target's first encoder against its budget (weights and LoRA tags not
 * counted, as ComfyUI and A1111 do), the 75-token CLIP chunks and where each starts, and the
 * warning when CLIP beside T5 misses words that matter.
 */
export function TokenMeter({ text, target }: { text: string; target: Target }) {
  const report = tokenReport(text, target);
  const { tokens, budget } = report;
  const main = report.encoders[0]!;
  const clip = report.encoders.find((e) => e.chunks);
  const warning = report.encoders.find((e) => e.warning)?.warning;
  const chunks = clip?.chunks ?? [];
  return (
    <div
      class={`meter ${report.over_budget ? "over" : ""}`}
      data-budget={budget}
      data-style={target.style}
    >
      <meter
        min={0}
        max={budget}
        value={Math.min(tokens, budget)}
        high={budget * 0.9}
        optimum={budget * 0.5}
        aria-label="Token budget used"
      >
      </meter>
      <span class="meter-text">
        ≈{tokens} / {budget} {main.chunks ? "CLIP" : encoderLabel(main.encoder)} tokens
        {report.over_budget ? " — over budget" : ""}
      </span>
      {main.chunks && (
        <p class="meter-chunks">
          {chunks.length === 1
            ? `One CLIP chunk of 75 (${chunks[0]!.tokens} used).`
            : `${chunks.length} CLIP chunks: ${chunks.map((c) => c.tokens).join(" + ")} tokens; ` +
              chunks.slice(1).map((c, i) => `chunk ${i + 2} starts at “${startsAt(text, c.start)}”`)
                .join(", ") +
              "."}
        </p>
      )}
      {!main.chunks && chunks.length > 1 && (
        <p class="meter-chunks">
          CLIP reads only the first 75 tokens, up to “{startsAt(text, chunks[1]!.start)}”.
        </p>
      )}
      {warning && <p class="meter-warning" role="note">{warning}</p>}
    </div>
  );
}

/** Rows a prompt box starts with; CSS grows it to its text (`field-sizing`), so it never clips. */
function promptRows(text: string): number {
  return Math.min(12, Math.max(4, Math.ceil(text.length / 60) + text.split("\n").length - 1));
}

/** A read-only prompt with its label and Copy button. */
function PromptBox(
  { id, label, text, copyLabel = "Copy" }: {
    id: string;
    label: string;
    text: string;
    copyLabel?: string;
  },
) {
  return (
    <div class="prompt-box">
      <div class="prompt-head">
        <label for={id}>{label}</label>
        <button
          type="button"
          class="copy"
          data-copy={`#${id}`}
          aria-label={`${copyLabel}: ${label}`}
        >
          {copyLabel}
        </button>
      </div>
      <textarea id={id} class="prompt-text" readOnly rows={promptRows(text)}>{text}</textarea>
    </div>
  );
}

/** The text "Copy both" and other both-prompt copies put on the clipboard. */
export function bothPrompts(positive: string, negative: string | null | undefined): string {
  return negative ? `${positive}\n\nNegative prompt: ${negative}` : positive;
}

/** What a screen reader hears once a result is in: the prompt, not each token before it. */
export function announcement(result?: ResultView, error?: ErrorView): string {
  if (error) return `${error.title}. ${error.message}`;
  if (!result) return "";
  if (result.stopped) return "Stopped. The reply so far is kept in the result.";
  if (result.positive) return `Prompt ready: ${result.positive}`;
  return result.message ?? `Reply ready: ${result.result}`;
}

/** The result area: empty hint, a finished prompt, or an error; swapped as `#result`. */
export function ResultPanel({ result, error }: { result?: ResultView; error?: ErrorView }) {
  return (
    <section id="result" class="panel result" aria-label="Result">
      {!result && !error && (
        <div class="empty">
          <p>Your prompt appears here.</p>
          <p class="hint">Type an idea, pick a target and some presets, then Generate.</p>
        </div>
      )}
      <ErrorAlert error={error} />
      {result && <ResultBody result={result} />}
    </section>
  );
}

/** What a stopped generation had written, kept on the page (not in History). */
function StoppedBody({ result }: { result: ResultView }) {
  return (
    <div class="result-body">
      <div class="badges">
        <span class="badge">{result.target.name}</span>
        <span class="badge warn">Stopped</span>
      </div>
      <p class="notice" role="status">
        You stopped it, so this is the reply so far; it was not saved to History. Generate again for
        a whole prompt.
      </p>
      {result.result
        ? <PromptBox id="positive" label="Reply so far" text={result.result} />
        : <p class="hint">It stopped before the first word.</p>}
    </div>
  );
}

/** The finished prompt: positive and negative apart, copy buttons, meter, alternates, notes. */
export function ResultBody({ result }: { result: ResultView }) {
  if (result.stopped) return <StoppedBody result={result} />;
  const notes = result.notes;
  return (
    <div class="result-body">
      <div class="badges">
        <span class="badge">{result.target.name}</span>
        {result.engine === "composer"
          ? <span class="badge warn">Composed without an LLM</span>
          : result.ollama_model && <span class="badge">{result.ollama_model}</span>}
        {result.history_id !== null && (
          <a class="badge link" href={`/ui/history?focus=${result.history_id}`}>
            Saved #{result.history_id}
          </a>
        )}
        {result.not_saved && <span class="badge warn">not saved: the disk is full</span>}
        {result.history_id !== null && result.positive && (
          <a class="badge link" href={`/ui/comfy/send?history_id=${result.history_id}`}>
            Send to ComfyUI
          </a>
        )}
      </div>
      {result.not_saved && <p class="notice" role="status">{result.not_saved.message}</p>}
      {result.fallback_reason && (
        <p class="notice" role="status">
          {result.fallback_reason}{" "}
          Meanwhile, here is a prompt built from your presets without an LLM.
        </p>
      )}
      {!result.positive && result.message && <p class="notice" role="status">{result.message}</p>}
      {result.positive
        ? <PromptBox id="positive" label="Prompt" text={result.positive} />
        : result.result && <div class="reply">{result.result}</div>}
      {result.positive && <TokenMeter text={result.positive} target={result.target} />}
      {result.negative && (
        <PromptBox
          id="negative"
          label="Negative prompt"
          text={result.negative}
        />
      )}
      {result.positive && (
        <div class="actions">
          <textarea id="both" hidden>{bothPrompts(result.positive, result.negative)}</textarea>
          <button type="button" class="copy secondary" data-copy="#both">Copy both</button>
        </div>
      )}
      {result.alternates?.length
        ? (
          <section class="alternates" aria-label="Other versions">
            <h3>Other versions the model offered</h3>
            {result.alternates.map((text, i) => (
              <PromptBox id={`alternate-${i + 1}`} label={`Version ${i + 2}`} text={text} />
            ))}
          </section>
        )
        : null}
      {notes && (
        <details class="thinking notes">
          <summary>Notes from the model</summary>
          <p>{notes}</p>
        </details>
      )}
      {result.thinking && (
        <details class="thinking">
          <summary>Model reasoning</summary>
          <pre>{result.thinking}</pre>
        </details>
      )}
    </div>
  );
}

/**
 * The result area while a run streams: tokens, collapsed reasoning and a Stop button. It is busy,
 * not live: the finished prompt is announced once, in `#announce`.
 */
export function StreamingPanel({ runId, id = "result" }: { runId: string; id?: string }) {
  return (
    <section
      id={id}
      class="panel result streaming"
      aria-label="Result"
      aria-busy="true"
      hx-ext="sse"
      sse-connect={`/ui/runs/${runId}/stream`}
      sse-close="close"
    >
      <RunBadges runId={runId} label="Writing…" />
      <ThinkingStream />
      <pre class="stream-text" sse-swap="token" hx-swap="beforeend"></pre>
      {
        /* A broken structured reply's partial values and reasoning are cleared before the text
          retry streams, so the panel never mixes the two attempts. */
      }
      <div hidden sse-swap="reset" hx-target={`#${id} .stream-text`} hx-swap="innerHTML"></div>
      <div hidden sse-swap="reset" hx-target={`#${id} .thinking pre`} hx-swap="innerHTML"></div>
      <div sse-swap="final" hx-target={`#${id}`} hx-swap="outerHTML"></div>
    </section>
  );
}
