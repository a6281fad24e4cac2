import type { Catalog } from "../lib/presets/catalog.ts";
import { RunBadges } from "./run_controls.tsx";
import { ErrorAlert } from "./error_alert.tsx";
import type { Target } from "../lib/prompt/targets.ts";
import { TargetPicker } from "./target_picker.tsx";
import type { BatchOutcome, BatchResult } from "../lib/batch/batch.ts";
import { Layout, type Theme } from "./layout.tsx";
import { ModeTabs } from "./mode_tabs.tsx";
import { type ModelChoice, modelNotice } from "./generate_form.tsx";
import { bothPrompts, type ErrorView } from "./result_panel.tsx";

/** Props of the batch page. */
export interface BatchPageProps {
  targets: Target[];
  catalog: Catalog;
  models: ModelChoice;
  ollama: { reachable: boolean; url: string };
  theme?: Theme;
  path?: string;
  /** Show the logout button (the server asks for AUTH_TOKEN). */
  logout?: boolean;
  /** What this browser last chose and typed here. */
  remembered?: { model: string; ollama_model: string; ideas: string };
  panel?: BatchPanelProps;
}

/** Props of the batch result panel. */
export interface BatchPanelProps {
  batchId?: string;
  total?: number;
  outcomes?: BatchOutcome<BatchResult>[];
  runId?: string;
  error?: ErrorView;
  finished?: boolean;
}

/** An item's label for people: a sweep's `lighting=Moonlight, style=Anime` as "Lighting: Moonlight · Style: Anime". */
export function itemLabel(label: string): string {
  if (!/^\w+=/.test(label)) return label;
  return label.split(", ").map((part) => {
    const at = part.indexOf("=");
    const key = part.slice(0, at);
    return `${key.charAt(0).toUpperCase()}${key.slice(1)}: ${part.slice(at + 1)}`;
  }).join(" · ");
}

/** One finished item of a batch: its label, both prompts and a Copy button. */
export function BatchItemView({ outcome }: { outcome: BatchOutcome<BatchResult> }) {
  const id = `batch-${outcome.index + 1}`;
  return (
    <li class={"error" in outcome ? "batch-item failed" : "batch-item"} id={id}>
      <div class="batch-head">
        <span class="badge">{outcome.index + 1}</span>
        <strong class="batch-label">{itemLabel(outcome.label)}</strong>
        {"result" in outcome && outcome.result.engine === "composer" && (
          <span class="badge warn">composed</span>
        )}
        {"result" in outcome && outcome.result.not_saved && (
          <span class="badge warn" title={outcome.result.not_saved.message}>
            not saved: the disk is full
          </span>
        )}
        {"result" in outcome && (
          <>
            <textarea id={`${id}-both`} hidden>
              {bothPrompts(outcome.result.positive, outcome.result.negative)}
            </textarea>
            <button type="button" class="copy secondary" data-copy={`#${id}-both`}>Copy</button>
          </>
        )}
      </div>
      {"result" in outcome
        ? (
          <>
            <p class="prompt-text">{outcome.result.positive}</p>
            {outcome.result.negative && (
              <p class="prompt-text negative">
                <span class="label">Negative:</span> {outcome.result.negative}
              </p>
            )}
          </>
        )
        : <p class="error">{outcome.error.message}</p>}
    </li>
  );
}

/** The progress bar of a running batch, swapped as each item finishes. */
export function BatchProgress(
  { done, total, failed = 0 }: { done: number; total: number; failed?: number },
) {
  return (
    <div id="batch-progress" class="batch-progress">
      <label for="batch-bar">
        {done} of {total} done{failed ? ` · ${failed} failed` : ""}
      </label>
      <progress id="batch-bar" max={total} value={done}>{done} / {total}</progress>
    </div>
  );
}

function Summary({ outcomes, total }: { outcomes: BatchOutcome<BatchResult>[]; total: number }) {
  const failed = outcomes.filter((o) => "error" in o);
  const ok = outcomes.length - failed.length;
  const composed = outcomes.filter((o) => "result" in o && o.result.fallback_reason).length;
  if (!ok) {
    return (
      <div class="error" role="alert">
        <strong>No prompt was written</strong>
        <p>
          All {total} failed: {failed[0] && "error" in failed[0] ? failed[0].error.message : ""}
        </p>
      </div>
    );
  }
  return (
    <p class={failed.length ? "notice" : "hint"} role="status">
      {ok} of {total} prompts written{failed.length ? `; ${failed.length} failed` : ""}.
      {composed ? ` The LLM server is offline, so ${composed} were composed without an LLM.` : ""}
    </p>
  );
}

/** The batch results: progress while running, the list and export links when done. */
export function BatchPanel(
  { batchId, total, outcomes = [], runId, error, finished }: BatchPanelProps,
) {
  const sse = runId
    ? {
      "hx-ext": "sse",
      "sse-connect": `/ui/runs/${runId}/stream`,
      "sse-close": "close",
      "aria-busy": "true" as const,
    }
    : {};
  const succeeded = outcomes.some((o) => "result" in o);
  return (
    <section id="batch" class="panel result" aria-label="Batch results" {...sse}>
      <ErrorAlert error={error} />
      {!runId && !outcomes.length && !error && (
        <div class="empty">
          <p>Many prompts at once.</p>
          <p class="hint">
            One idea per line, or one idea with variations or a sweep across presets.
          </p>
        </div>
      )}
      {runId && <RunBadges runId={runId} label="Running…" />}
      {total !== undefined && !finished && (
        <div sse-swap="progress" hx-target="#batch-progress" hx-swap="outerHTML">
          <BatchProgress done={outcomes.length} total={total} />
        </div>
      )}
      {finished && total !== undefined && <Summary outcomes={outcomes} total={total} />}
      {finished && batchId && succeeded && (
        <p class="actions">
          Export:{" "}
          <a href={`/api/batches/${batchId}/export?format=txt`} download>TXT (one per line)</a> ·
          {" "}
          <a href={`/api/batches/${batchId}/export?format=jsonl`} download>JSONL</a>
        </p>
      )}
      <ol class="batch-list" sse-swap="item" hx-swap="beforeend">
        {[...outcomes].sort((a, b) => a.index - b.index).map((o) => (
          <BatchItemView key={o.index} outcome={o} />
        ))}
      </ol>
      {runId && <div sse-swap="final" hx-target="#batch" hx-swap="outerHTML"></div>}
    </section>
  );
}

function SweepChips(
  { name, label, names }: { name: string; label: string; names: string[] },
) {
  return (
    <fieldset class="chips sweep">
      <legend>{label}</legend>
      {names.map((n) => (
        <label class="chip" key={n}>
          <input type="checkbox" name={name} value={n} />
          <span>{n}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** The Batch tab: ideas, variations or a sweep, and the results beside. */
export function BatchPage(props: BatchPageProps) {
  const { targets, catalog, models } = props;
  const remembered = props.remembered;
  const chosenModel = targets.some((t) => t.id === remembered?.model)
    ? remembered!.model
    : targets[0]!.id;
  const llm = remembered?.ollama_model || models.default;
  const notice = modelNotice(models, false);
  return (
    <Layout
      title="Batch — Promptsmith"
      current="home"
      ollama={props.ollama}
      theme={props.theme}
      path={props.path}
      logout={props.logout}
    >
      <ModeTabs mode="batch" />
      <div class="workspace">
        <form
          id="batch-form"
          class="panel form"
          method="post"
          action="/ui/batch"
          hx-post="/ui/batch"
          hx-target="#batch"
          hx-swap="outerHTML"
          data-autosave
        >
          <input type="hidden" name="mode" value="batch" />
          <div class="field">
            <label for="ideas">Ideas, one per line</label>
            <textarea
              id="ideas"
              name="ideas"
              rows={5}
              required
              maxlength={8000}
              placeholder="One idea per line, e.g. a lighthouse in a storm"
            >
              {remembered?.ideas ?? ""}
            </textarea>
          </div>
          <div class="grid2">
            <div class="field">
              <label for="variations">Variations of each idea</label>
              <input id="variations" name="variations" type="number" min="1" max="20" value="1" />
            </div>
            <div class="field">
              <label for="concurrency">At once</label>
              <select id="concurrency" name="concurrency">
                <option value="1" selected>1 (spares the GPU)</option>
                <option value="2">2</option>
                <option value="4">4</option>
              </select>
            </div>
          </div>
          <TargetPicker targets={targets} id="batch-model" selected={chosenModel} />
          <div class="field">
            <label for="batch-llm">LLM</label>
            <select id="batch-llm" name="ollama_model">
              {(models.names.length ? models.names : [models.default]).map((m) => (
                <option value={m} selected={m === llm}>{m}</option>
              ))}
            </select>
          </div>
          {notice && <p class="notice" role="status">{notice}</p>}
          <label class="check">
            <input type="checkbox" name="engine" value="composer" /> Compose without an LLM
          </label>
          <details class="section sweeps">
            <summary>Sweep presets (optional)</summary>
            <p class="hint">
              Tick several: the first idea runs once per combination of the ticked presets.
            </p>
            <SweepChips
              name="sweep.lighting"
              label="Lighting"
              names={Object.keys(catalog.legacy.lighting)}
            />
            <SweepChips
              name="sweep.style"
              label="Style"
              names={Object.keys(catalog.legacy.styles)}
            />
          </details>
          <div class="actions sticky">
            <button type="submit" class="primary" data-send>Run batch</button>
          </div>
        </form>
        <BatchPanel {...(props.panel ?? {})} />
      </div>
    </Layout>
  );
}
