import type { Catalog } from "../lib/presets/catalog.ts";
import { RunBadges } from "./run_controls.tsx";
import { ErrorAlert } from "./error_alert.tsx";
import type { Target } from "../lib/prompt/targets.ts";
import { TargetPicker } from "./target_picker.tsx";
import type { BatchOutcome, BatchResult } from "../lib/batch/batch.ts";
import { Layout } from "./layout.tsx";
import { ModeTabs } from "./mode_tabs.tsx";
import type { ModelChoice } from "./generate_form.tsx";
import type { ErrorView } from "./result_panel.tsx";

/** Props of the batch page. */
export interface BatchPageProps {
  targets: Target[];
  catalog: Catalog;
  models: ModelChoice;
  ollama: { reachable: boolean; url: string };
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

/** One finished item of a batch. */
export function BatchItemView({ outcome }: { outcome: BatchOutcome<BatchResult> }) {
  return (
    <li class={"error" in outcome ? "batch-item failed" : "batch-item"}>
      <span class="badge">{outcome.index + 1}</span> <span class="hint">{outcome.label}</span>
      {"result" in outcome
        ? <p class="prompt-text">{outcome.result.positive}</p>
        : <p class="error">{outcome.error.message}</p>}
    </li>
  );
}

/** The progress bar of a running batch, swapped as each item finishes. */
export function BatchProgress({ done, total }: { done: number; total: number }) {
  return (
    <div id="batch-progress" class="batch-progress">
      <label for="batch-bar">{done} of {total} done</label>
      <progress id="batch-bar" max={total} value={done}>{done} / {total}</progress>
    </div>
  );
}

/** The batch results: progress while running, the list and export links when done. */
export function BatchPanel(
  { batchId, total, outcomes = [], runId, error, finished }: BatchPanelProps,
) {
  const sse = runId
    ? { "hx-ext": "sse", "sse-connect": `/ui/runs/${runId}/stream`, "sse-close": "close" }
    : {};
  return (
    <section id="batch" class="panel result" aria-live="polite" aria-label="Batch results" {...sse}>
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
      {total !== undefined && (
        <div sse-swap="progress" hx-target="#batch-progress" hx-swap="outerHTML">
          <BatchProgress done={outcomes.length} total={total} />
        </div>
      )}
      <ol class="batch-list" sse-swap="item" hx-swap="beforeend">
        {[...outcomes].sort((a, b) =>
          a.index - b.index
        ).map((o) => <BatchItemView key={o.index} outcome={o} />)}
      </ol>
      {runId && <div sse-swap="final" hx-target="#batch" hx-swap="outerHTML"></div>}
      {finished && batchId && (
        <p class="actions">
          Export:{" "}
          <a href={`/api/batches/${batchId}/export?format=txt`} download>TXT (one per line)</a> ·
          {" "}
          <a href={`/api/batches/${batchId}/export?format=jsonl`} download>JSONL</a>
        </p>
      )}
    </section>
  );
}

/** The Batch tab: ideas, variations or a sweep, and the results beside. */
export function BatchPage(props: BatchPageProps) {
  const { targets, catalog, models } = props;
  return (
    <Layout title="Batch — Promptsmith" current="home" ollama={props.ollama}>
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
        >
          <div class="field">
            <label for="ideas">Ideas, one per line</label>
            <textarea
              id="ideas"
              name="ideas"
              rows={5}
              required
              placeholder="One idea per line, e.g. a lighthouse in a storm"
            >
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
          <TargetPicker targets={targets} id="batch-model" />
          <div class="field">
            <label for="batch-llm">LLM</label>
            <select id="batch-llm" name="ollama_model">
              {(models.names.length ? models.names : [models.default]).map((m) => (
                <option value={m} selected={m === models.default}>{m}</option>
              ))}
            </select>
          </div>
          {models.notice && <p class="notice" role="status">{models.notice}</p>}
          <label class="check">
            <input type="checkbox" name="engine" value="composer" /> Compose without an LLM
          </label>
          <div class="grid2">
            <div class="field">
              <label for="sweep-lighting">Sweep lighting (optional)</label>
              <select id="sweep-lighting" name="sweep.lighting" multiple size={5}>
                {Object.keys(catalog.legacy.lighting).map((n) => (
                  <option key={n} value={n}>{n}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="sweep-style">Sweep style (optional)</label>
              <select id="sweep-style" name="sweep.style" multiple size={5}>
                {Object.keys(catalog.legacy.styles).map((n) => (
                  <option key={n} value={n}>{n}</option>
                ))}
              </select>
            </div>
          </div>
          <p class="hint">
            A sweep runs the first idea once per combination of the chosen presets.
          </p>
          <div class="actions sticky">
            <button type="submit" class="primary">Run batch</button>
          </div>
        </form>
        <BatchPanel {...(props.panel ?? {})} />
      </div>
    </Layout>
  );
}
