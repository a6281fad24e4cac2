import { Layout, type Theme } from "./layout.tsx";
import { ErrorAlert } from "./error_alert.tsx";
import type { ComfyJob, StoredWorkflow } from "../lib/comfy/jobs.ts";
import type { ErrorView } from "./result_panel.tsx";

type Ollama = { reachable: boolean; url: string };

/** What every ComfyUI page's shell shows. */
export interface ComfyChrome {
  ollama: Ollama;
  theme?: Theme;
  path?: string;
  logout?: boolean;
}

/** Where ComfyUI is, whether it answers, and where the address came from. */
export interface ComfyStatusView {
  url: string;
  reachable: boolean;
  version?: string;
  /** The address is the one saved on this page (not COMFYUI_URL). */
  saved: boolean;
  fromEnv: string;
}

function slots(w: StoredWorkflow): string {
  const positive = w.analysis.positive.map((s) => `node ${s.node}.${s.input}`).join(", ");
  const negative = w.analysis.negative.map((s) => `node ${s.node}.${s.input}`).join(", ");
  return `prompt → ${positive}${negative ? `; negative → ${negative}` : "; no negative"}`;
}

function AddressForm({ comfy }: { comfy: ComfyStatusView }) {
  return (
    <form method="post" action="/ui/comfy/address" class="address-form">
      <div class="field">
        <label for="comfy-url">ComfyUI address</label>
        <div class="inline-form">
          <input
            id="comfy-url"
            name="url"
            type="url"
            required
            value={comfy.url}
            placeholder="http://127.0.0.1:8188"
          />
          <button type="submit" class="secondary">Save address</button>
        </div>
        <p class="hint">
          {comfy.saved
            ? `Saved here and kept across restarts. COMFYUI_URL says ${comfy.fromEnv}.`
            : "From COMFYUI_URL (or the default). Saving an address here keeps it across restarts."}
        </p>
      </div>
      {comfy.saved && (
        <button type="submit" name="reset" value="1" class="secondary small" formnovalidate>
          Use COMFYUI_URL again
        </button>
      )}
    </form>
  );
}

/** The ComfyUI page: its address, the stored workflows (rename, delete) and the upload form. */
export function ComfyPage(
  { workflows, comfy, chrome, error, message }: {
    workflows: StoredWorkflow[];
    comfy: ComfyStatusView;
    chrome: ComfyChrome;
    error?: ErrorView;
    message?: string;
  },
) {
  return (
    <Layout title="ComfyUI — Promptsmith" current="comfy" {...chrome}>
      <section class="panel">
        <h1>ComfyUI</h1>
        <p class={comfy.reachable ? "hint" : "notice"} role="status">
          {comfy.reachable
            ? `Connected to ComfyUI ${comfy.version ?? ""} at ${comfy.url}.`
            : `ComfyUI does not answer at ${comfy.url}: start it, or set its address below.`}
        </p>
        {message && <p class="notice ok" role="status">{message}</p>}
        <ErrorAlert error={error} />
        <AddressForm comfy={comfy} />
        <h2>Your workflows</h2>
        {workflows.length === 0 && <p class="hint">None yet. Upload one below.</p>}
        <ul class="workflows">
          {workflows.map((w) => (
            <li key={w.id} id={`workflow-${w.id}`}>
              <div class="workflow-head">
                <strong>{w.name}</strong> <span class="hint">{slots(w)}</span>
              </div>
              {w.analysis.warnings.map((m) => <p class="hint" key={m}>{m}</p>)}
              <div class="workflow-actions">
                <form
                  method="post"
                  action={`/ui/comfy/workflows/${w.id}/rename`}
                  class="inline-form"
                >
                  <label for={`wf-rename-${w.id}`} class="visually-hidden">
                    New name for {w.name}
                  </label>
                  <input
                    id={`wf-rename-${w.id}`}
                    name="name"
                    type="text"
                    required
                    maxlength={80}
                    value={w.name}
                  />
                  <button type="submit" class="secondary">Rename</button>
                </form>
                <form
                  method="post"
                  action={`/ui/comfy/workflows/${w.id}/delete`}
                  data-confirm={`Delete the workflow “${w.name}”?`}
                >
                  <button type="submit" class="secondary danger">Delete</button>
                </form>
              </div>
            </li>
          ))}
        </ul>
        <h2>Upload a workflow</h2>
        <p class="hint">
          In ComfyUI use Workflow → Export (API). Prompts go into the text encoders the sampler
          uses, or wherever you put %prompt%, %negative_prompt% and %seed%.
        </p>
        <form method="post" action="/ui/comfy/workflows" enctype="multipart/form-data">
          <div class="field">
            <label for="wf-name">Name</label>
            <input id="wf-name" name="name" type="text" required maxlength={80} />
          </div>
          <div class="field">
            <label for="wf-file">API-format JSON file</label>
            <input id="wf-file" name="file" type="file" accept=".json,application/json" />
          </div>
          <div class="field">
            <label for="wf-json">…or paste the JSON</label>
            <textarea id="wf-json" name="json" rows={6}></textarea>
          </div>
          <button type="submit" class="primary">Save workflow</button>
        </form>
      </section>
    </Layout>
  );
}

/** The "Send to ComfyUI" form for a history entry: both prompts, and the workflow that fits. */
export function ComfySendPage(
  { historyId, positive, negative, targetName, workflows, chosen, chrome, error }: {
    historyId: number;
    positive: string;
    negative: string | null;
    targetName: string;
    workflows: StoredWorkflow[];
    /** The workflow preselected for the entry's target. */
    chosen?: number;
    chrome: ComfyChrome;
    error?: ErrorView;
  },
) {
  const picked = workflows.find((w) => w.id === chosen) ?? workflows[0];
  const dropsNegative = Boolean(negative) && picked && !picked.analysis.negative.length;
  return (
    <Layout title="Send to ComfyUI — Promptsmith" current="comfy" {...chrome}>
      <section class="panel">
        <h1>Send to ComfyUI</h1>
        <p class="hint">A {targetName} prompt.</p>
        <h2 class="small-head">Prompt</h2>
        <p class="prompt-text boxed">{positive}</p>
        <h2 class="small-head">Negative prompt</h2>
        {negative
          ? <p class="prompt-text boxed">{negative}</p>
          : <p class="hint">None: this target takes no negative prompt.</p>}
        <ErrorAlert error={error} />
        {workflows.length === 0
          ? (
            <p class="notice">
              No workflow yet: <a href="/ui/comfy">upload one</a> first.
            </p>
          )
          : (
            <form method="post" action="/ui/comfy/send">
              <input type="hidden" name="history_id" value={String(historyId)} />
              <div class="field">
                <label for="workflow_id">Workflow</label>
                <select id="workflow_id" name="workflow_id">
                  {workflows.map((w) => (
                    <option key={w.id} value={String(w.id)} selected={w.id === picked?.id}>
                      {w.name}
                      {w.analysis.negative.length ? "" : " (no negative prompt)"}
                    </option>
                  ))}
                </select>
                <p class="hint">Chosen to suit {targetName}; the last one you used for it wins.</p>
              </div>
              {dropsNegative && (
                <p class="notice" role="status">
                  “{picked.name}” has no negative input, so the negative prompt will not be used.
                </p>
              )}
              <div class="field">
                <label for="comfy-seed">Seed</label>
                <input
                  id="comfy-seed"
                  name="seed"
                  type="number"
                  min="0"
                  placeholder="keep the workflow's"
                />
              </div>
              <label class="check">
                <input type="checkbox" name="unload_llm" value="true" checked />{" "}
                Unload the LLM first to free VRAM
              </label>
              <button type="submit" class="primary">Send</button>
            </form>
          )}
      </section>
    </Layout>
  );
}

/** A job's progress (with its step count) and images; polls itself while ComfyUI works. */
export function ComfyJobView({ job }: { job: ComfyJob }) {
  const running = job.state === "queued" || job.state === "running";
  const poll = running
    ? {
      "hx-get": `/ui/comfy/jobs/${job.id}`,
      "hx-trigger": "every 700ms",
      "hx-select": "#job",
      "hx-swap": "outerHTML",
    }
    : {};
  const max = job.progress.max || 1;
  const value = job.state === "done" ? max : job.progress.value;
  const steps = job.progress.max
    ? `Step ${value} of ${job.progress.max} (${Math.round((value / max) * 100)}%)`
    : job.state === "queued"
    ? "Waiting in ComfyUI's queue"
    : "Starting";
  return (
    <section id="job" class="panel" aria-live="polite" {...poll}>
      <h1>ComfyUI job</h1>
      <p>
        State: <strong>{job.state}</strong>
        {job.llm_unloaded && <span class="hint after">· the LLM was unloaded first</span>}
      </p>
      <label for="job-bar" id="job-steps">{steps}</label>
      <progress id="job-bar" max={max} value={value}>{steps}</progress>
      {job.error && <p class="error" role="alert">{job.error}</p>}
      {job.warnings.map((w) => <p class="hint" key={w}>{w}</p>)}
      <div class="images">
        {job.images.map((img, i) => (
          <a key={img.filename} href={`/api/comfyui/jobs/${job.id}/images/${i}`}>
            <img
              src={`/api/comfyui/jobs/${job.id}/images/${i}`}
              alt={`Image ${i + 1} from ComfyUI (${img.filename})`}
            />
          </a>
        ))}
      </div>
      {job.history_id !== null && (
        <p>
          <a href={`/?result=${job.history_id}`}>Back to the prompt</a> ·{" "}
          <a href={`/ui/history?focus=${job.history_id}`}>History</a>
        </p>
      )}
    </section>
  );
}

/** The job page; without JavaScript it refreshes itself until the job ends. */
export function ComfyJobPage({ job, chrome }: { job: ComfyJob; chrome: ComfyChrome }) {
  const running = job.state === "queued" || job.state === "running";
  return (
    <Layout
      title="ComfyUI job — Promptsmith"
      current="comfy"
      {...chrome}
      head={running
        ? (
          <noscript>
            <meta http-equiv="refresh" content="1" />
          </noscript>
        )
        : undefined}
    >
      <ComfyJobView job={job} />
    </Layout>
  );
}
