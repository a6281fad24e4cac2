import { type GenerationSettings, settingRows } from "../lib/images/generation_settings.ts";
import type { ImageReading } from "../lib/images/image_reading.ts";
import type { ImageFacts } from "../lib/images/read_image.ts";
import { ErrorAlert, type ErrorView } from "./error_alert.tsx";

/** A picture's reading as the page shows it, with what the save forms post back. */
export interface ReadingView {
  reading: ImageReading;
  image: ImageFacts;
  /** The file's name as the browser gave it. */
  filename: string | null;
  /** The thumbnail as base64 JPEG, shown and posted back by "Save to history". */
  thumbnail: { base64: string; width: number; height: number } | null;
  /** The embedded ComfyUI API graph as JSON text, for "Save as workflow". */
  graph: string | null;
  /** The target the form had, which a saved reading is filed under. */
  target: string;
}

const SOURCES: Record<ImageReading["source"], string> = {
  a1111: "A1111 / Forge parameters",
  comfyui: "ComfyUI graph",
  none: "No prompt found",
};

function SettingsTable({ settings }: { settings: GenerationSettings }) {
  const rows = settingRows(settings);
  if (!rows.length) return null;
  return (
    <dl class="settings">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ReadBox({ id, label, text }: { id: string; label: string; text: string }) {
  return (
    <div class="prompt-box">
      <div class="prompt-head">
        <label for={id}>{label}</label>
        <button type="button" class="copy" data-copy={`#${id}`}>Copy</button>
      </div>
      <textarea
        id={id}
        class="prompt-text"
        readOnly
        rows={Math.min(10, Math.max(2, Math.ceil(text.length / 70)))}
      >
        {text}
      </textarea>
    </div>
  );
}

function SaveToHistory({ view }: { view: ReadingView }) {
  if (view.reading.source === "none") return null;
  return (
    <form
      class="inline-save"
      method="post"
      action="/ui/images/save"
      hx-post="/ui/images/save"
      hx-swap="outerHTML"
    >
      <input type="hidden" name="reading" value={JSON.stringify(view.reading)} />
      <input type="hidden" name="image" value={JSON.stringify(view.image)} />
      {view.thumbnail && <input type="hidden" name="thumbnail" value={view.thumbnail.base64} />}
      <input type="hidden" name="model" value={view.target} />
      <button type="submit" class="secondary">Save to history</button>
    </form>
  );
}

function SaveWorkflow({ view }: { view: ReadingView }) {
  if (!view.graph) return null;
  const name = `From ${view.filename?.replace(/\.[a-z]+$/i, "") || "a picture"}`.slice(0, 80);
  return (
    <form
      class="inline-save"
      method="post"
      action="/ui/images/save-workflow"
      hx-post="/ui/images/save-workflow"
      hx-swap="outerHTML"
    >
      <input type="hidden" name="graph" value={view.graph} />
      <label for="workflow-name">Workflow name</label>
      <input id="workflow-name" name="name" type="text" required maxlength={100} value={name} />
      <button type="submit" class="secondary">Save as ComfyUI workflow</button>
    </form>
  );
}

/**
 * The result area after reading a picture (swapped as `#result`): its thumbnail, where the
 * prompt came from, both prompts, the settings, and saving the reading or its ComfyUI graph.
 */
export function ImageReadingPanel({ view, error }: { view?: ReadingView; error?: ErrorView }) {
  const r = view?.reading;
  return (
    <section
      id="result"
      class="panel result image-reading"
      aria-live="polite"
      aria-label="Prompt read from the picture"
      data-fill-input={r?.positive || undefined}
    >
      <ErrorAlert error={error} />
      {view && r && (
        <div class="result-body">
          <div class="read-head">
            {view.thumbnail && (
              <img
                class="thumb"
                src={`data:image/jpeg;base64,${view.thumbnail.base64}`}
                width={view.thumbnail.width}
                height={view.thumbnail.height}
                alt="The picture that was read"
              />
            )}
            <div>
              <div class="badges">
                <span class={`badge ${r.source === "none" ? "warn" : ""}`}>
                  {SOURCES[r.source]}
                </span>
                <span class="badge">
                  {view.image.format.toUpperCase()} {view.image.width}×{view.image.height}
                </span>
              </div>
              {view.filename && <p class="hint">{view.filename}</p>}
            </div>
          </div>
          {r.source === "none"
            ? (
              <p class="notice" role="status">
                {r.message} To write a prompt from what the picture shows, use “Describe as prompt”.
              </p>
            )
            : (
              <>
                <ReadBox id="read-positive" label="Prompt" text={r.positive} />
                {r.negative && (
                  <ReadBox id="read-negative" label="Negative prompt" text={r.negative} />
                )}
                <SettingsTable settings={r.settings} />
                <p class="hint">The prompt is in the idea box now, ready to refine or generate.</p>
              </>
            )}
          {r.warnings.length > 0 && (
            <ul class="warnings">
              {r.warnings.map((w, i) => <li key={i}>{w}</li>)}
            </ul>
          )}
          <div class="actions">
            <SaveToHistory view={view} />
            <SaveWorkflow view={view} />
          </div>
        </div>
      )}
    </section>
  );
}

/** What a save form is replaced with once it has worked (or why it did not). */
export function SavedNotice(
  { message, href, error }: { message?: string; href?: string; error?: ErrorView },
) {
  if (error) {
    return (
      <div class="inline-save">
        <ErrorAlert error={error} />
      </div>
    );
  }
  return (
    <p class="inline-save saved" role="status">
      {message} {href && <a href={href}>Open</a>}
    </p>
  );
}
