import { Fragment } from "preact";
import { MAX_IMAGE_BYTES } from "../lib/images/limits.ts";

const MAX_MB = MAX_IMAGE_BYTES / 1048576;

/** Shared by the describe and read buttons: they post the whole form, with the file, elsewhere. */
const UPLOAD = {
  type: "submit",
  class: "secondary",
  formmethod: "post",
  formenctype: "multipart/form-data",
  formnovalidate: true,
  "hx-encoding": "multipart/form-data",
  "hx-target": "#result",
  "hx-swap": "outerHTML",
} as const;

/**
 * A picture to start from, inside the generate form: the file posts with the form's target,
 * LLM and presets. Without JavaScript the two buttons post the form as multipart; with it,
 * htmx does, and `static/image_input.js` adds drag and drop, paste and reading on pick.
 */
export function ImageInput() {
  return (
    <fieldset class="image-input" data-image-drop>
      <legend>Start from a picture (optional)</legend>
      <div class="image-pick">
        <img class="image-preview" alt="" hidden />
        <div class="field">
          <label for="image">{`Picture: PNG, JPEG or WebP, up to ${MAX_MB} MB`}</label>
          <input
            id="image"
            type="file"
            name="image"
            accept="image/png,image/jpeg,image/webp"
            data-max-bytes={MAX_IMAGE_BYTES}
          />
          <p class="hint image-drop-hint">
            You can also drop a picture on this box or paste one (Ctrl+V).
          </p>
        </div>
      </div>
      <div class="actions">
        <button
          {...UPLOAD}
          id="describe-image"
          formaction="/ui/images/describe"
          hx-post="/ui/images/describe"
          title="A vision model describes the picture as a prompt for your target, with your presets; the idea above is optional direction"
        >
          Describe as prompt
        </button>
        <button
          {...UPLOAD}
          id="read-image"
          formaction="/ui/images/read"
          hx-post="/ui/images/read"
          title="Take the prompt, negative and settings an A1111, Forge or ComfyUI image carries; no LLM"
        >
          Read its prompt
        </button>
      </div>
      <p
        class="hint vision-hint"
        hx-get="/ui/images/vision-models"
        hx-trigger="load"
        hx-target="this"
        hx-swap="outerHTML"
      >
        Describing needs an LLM that reads images (a vision model such as gemma3 or llava).
      </p>
    </fieldset>
  );
}

/** Which installed models read images, for the hint under the picture. */
export function VisionHint(
  { models, declared, reachable }: { models: string[]; declared: boolean; reachable: boolean },
) {
  return (
    <p class="hint vision-hint" role="status">
      {models.length
        ? (
          <>
            Models that read images: {models.map((m, i) => (
              <Fragment key={m}>
                {i > 0 && ", "}
                <code>{m}</code>
              </Fragment>
            ))}. Pick one as the LLM to describe a picture.
          </>
        )
        : !reachable
        ? (
          <>
            The LLM server does not answer now, so no model can describe a picture; reading the
            prompt a picture carries works without it.
          </>
        )
        : !declared
        ? (
          <>
            The LLM server does not say which of its models read images: pick a vision model (such
            as Gemma 3, Qwen2.5-VL or LLaVA) to describe a picture.
          </>
        )
        : (
          <>
            No installed model reads images; to describe pictures install one (with Ollama:{" "}
            <code>ollama pull gemma3</code>). Reading a prompt needs no model.
          </>
        )}
    </p>
  );
}
