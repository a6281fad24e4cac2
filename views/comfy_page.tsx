import { Layout } from "./layout.tsx";
import { ErrorAlert } from "./error_alert.tsx";
import type { ComfyJob, StoredWorkflow } from "../lib/comfy/jobs.ts";
import type { ErrorView } from "./result_panel.tsx";

type Ollama = { reachable: boolean; url: string };

/** The ComfyUI page: stored workflows and the upload form. */
export function ComfyPage(
  { workflows, comfy, ollama, error }: {
    workflows: StoredWorkflow[];
    comfy: { url: string; reachable: boolean; version?: string };
    ollama: Ollama;
    error?: ErrorView;
  },
) {
  return (
    <Layout title="ComfyUI — Promptsmith" current="comfy" ollama={ollama}>
      <section class="panel">
        <h1>ComfyUI</h1>
        <p class={comfy.reachable ? "hint" : "notice"} role="status">
          {comfy.reachable
            ? `Connected to ComfyUI ${comfy.version ?? ""} at ${comfy.url}.`
            : `ComfyUI does not answer at ${comfy.url}: start it, or set COMFYUI_URL.`}
        </p>
        <ErrorAlert error={error} />
        <h2>Your workflows</h2>
        {workflows.length === 0 && <p class="hint">None yet. Upload one below.</p>}
        <ul class="workflows">
          {workflows.map((w) => (
            <li key={w.id}>
              <strong>{w.name}</strong>{" "}
              <span class="hint">
                prompt → {w.analysis.positive.map((s) => `node ${s.node}.${s.input}`).join(", ")}
                {w.analysis.negative.length
                  ? `; negative → ${
                    w.analysis.negative.map((s) => `node ${s.node}.${s.input}`).join(", ")
                  }`
                  : "; no negative"}
              </span>
              {w.analysis.warnings.map((m) => <p class="hint" key={m}>{m}</p>)}
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

/** The "Send to ComfyUI" form for a history entry. */
export function ComfySendPage(
  { historyId, positive, workflows, ollama, error }: {
    historyId: number;
    positive: string;
    workflows: StoredWorkflow[];
    ollama: Ollama;
    error?: ErrorView;
  },
) {
  return (
    <Layout title="Send to ComfyUI — Promptsmith" current="comfy" ollama={ollama}>
      <section class="panel">
        <h1>Send to ComfyUI</h1>
        <p class="prompt-text">{positive}</p>
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
                  {workflows.map((w) => <option key={w.id} value={String(w.id)}>{w.name}</option>)}
                </select>
              </div>
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

/** A job's progress and images; polls itself while ComfyUI works. */
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
  return (
    <section id="job" class="panel" aria-live="polite" {...poll}>
      <h1>ComfyUI job</h1>
      <p>
        State: <strong>{job.state}</strong>
        {job.llm_unloaded && <span class="hint">· the LLM was unloaded first</span>}
      </p>
      <label for="job-bar">Progress</label>
      <progress
        id="job-bar"
        max={job.progress.max || 1}
        value={job.state === "done" ? job.progress.max || 1 : job.progress.value}
      >
        {job.progress.value}/{job.progress.max}
      </progress>
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
          <a href={`/?result=${job.history_id}`}>Back to the prompt</a>
        </p>
      )}
    </section>
  );
}

/** The job page; without JavaScript it refreshes itself until the job ends. */
export function ComfyJobPage({ job, ollama }: { job: ComfyJob; ollama: Ollama }) {
  const running = job.state === "queued" || job.state === "running";
  return (
    <Layout
      title="ComfyUI job — Promptsmith"
      current="comfy"
      ollama={ollama}
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
