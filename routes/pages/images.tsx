import { type Context, Hono } from "hono";
import { z } from "zod";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { AppError, badInput } from "../../lib/app/errors.ts";
import {
  generateImagePrompt,
  type ImagePlan,
  planImagePrompt,
  streamImagePrompt,
} from "../../lib/generate/image_prompt.ts";
import type { GenerationResult } from "../../lib/generate/generation.ts";
import { MAX_READ_TEXT } from "../../lib/images/image_reading.ts";
import { readImage, saveReading } from "../../lib/images/read_image.ts";
import { checkImage } from "../../lib/images/read_metadata.ts";
import { THUMBNAIL_MAX_SIDE } from "../../lib/images/resize.ts";
import { visionListing } from "../../lib/images/vision.ts";
import { findTarget } from "../../lib/prompt/plans.ts";
import { renderFragment } from "../../views/render.ts";
import { ResultPanel, type ResultView, StreamingPanel } from "../../views/result_panel.tsx";
import { VisionHint } from "../../views/image_input.tsx";
import { ImageReadingPanel, type ReadingView, SavedNotice } from "../../views/image_reading.tsx";
import { formFromEntries, type FormState, formToRequest } from "../http/form_state.ts";
import { validateForm } from "../http/form_validation.ts";
import { ImagePromptSchema } from "../http/image_schemas.ts";
import {
  MAX_READING_BODY,
  MAX_UPLOAD_BODY,
  readUploadForm,
  tooLarge,
  type UploadForm,
  uploadLimit,
} from "../http/image_upload.ts";
import { errorStatus, formEntries, isHtmx, toErrorView } from "../http/page_context.ts";
import { type HomeDeps, renderHome } from "../http/render_home.tsx";
import { requesterOf } from "../http/requester.ts";
import { relayRun } from "../http/run_relay.ts";

type Deps =
  & HomeDeps
  & Pick<Services, "llm" | "history" | "slots" | "runs" | "wildcards" | "images" | "comfy">;

function noImage(): AppError {
  return badInput(
    "image: choose a picture first (a PNG, JPEG or WebP file), then press the button",
  );
}

function resultView(result: GenerationResult, planned: ImagePlan): ResultView {
  return { ...result, target: planned.plan.target, ollama_model: planned.plan.ollamaModel };
}

const ReadingSchema = z.object({
  source: z.enum(["a1111", "comfyui"]),
  positive: z.string().max(MAX_READ_TEXT + 1),
  negative: z.string().max(MAX_READ_TEXT + 1),
  settings: z.object({
    seed: z.number().optional(),
    steps: z.number().optional(),
    sampler: z.string().max(600).optional(),
    scheduler: z.string().max(600).optional(),
    cfg: z.number().optional(),
    guidance: z.number().optional(),
    model: z.string().max(600).optional(),
    modelHash: z.string().max(600).optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    denoise: z.number().optional(),
    clipSkip: z.number().optional(),
    other: z.record(z.string().max(100), z.string().max(600)).refine(
      (o) => Object.keys(o).length <= 50,
      "at most 50 settings",
    ),
  }),
  warnings: z.array(z.string().max(600)).max(21),
});

const FactsSchema = z.object({
  format: z.enum(["png", "jpeg", "webp"]),
  width: z.number().int().min(1).max(1_000_000),
  height: z.number().int().min(1).max(1_000_000),
  bytes: z.number().int().min(1).max(100_000_000),
});

function parseField<T extends z.ZodType>(schema: T, text: string | undefined, field: string) {
  let value: unknown;
  try {
    value = JSON.parse(text ?? "");
  } catch {
    throw badInput(`${field}: missing or not JSON; read the picture again`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw badInput(`${field}: not a reading this page made; read the picture again`);
  }
  return parsed.data as z.infer<T>;
}

/** The thumbnail a reading page posts back: it must be the small JPEG we made, nothing else. */
function parseThumbnail(base64: string | undefined) {
  if (!base64) return null;
  let bytes: Uint8Array;
  try {
    bytes = base64.length <= 200_000 ? Uint8Array.fromBase64(base64) : new Uint8Array();
  } catch {
    bytes = new Uint8Array();
  }
  const kind = bytes.length ? checkImage(bytes) : null;
  if (
    !kind || kind.format !== "jpeg" || kind.width > THUMBNAIL_MAX_SIDE ||
    kind.height > THUMBNAIL_MAX_SIDE
  ) {
    throw badInput("thumbnail: not the thumbnail this page made; read the picture again");
  }
  return { bytes, width: kind.width, height: kind.height };
}

/**
 * The page side of images in: `POST /ui/images/describe` (a prompt from a picture, streamed
 * with htmx, posted without), `POST /ui/images/read` (the prompt a picture carries), saving a
 * reading or its ComfyUI graph, and the vision-model hint.
 */
export function imagePageRoutes(services: Deps): Hono {
  const defaults = () => ({ ollama_model: services.config.ollamaModel });
  const deps = () => ({
    ...generationDeps(services),
    slots: services.slots,
    images: services.images,
  });

  /** The page again with the error, the form as it was; or the error panel for htmx. */
  async function failed(c: Context, form: FormState, err: unknown): Promise<Response> {
    const error = toErrorView(err);
    if (isHtmx(c)) return c.html(renderFragment(<ResultPanel error={error} />));
    return await renderHome(services, c, form, { error }, errorStatus(err));
  }

  /** An upload over the limit: the form comes back empty (its fields were never read). */
  function tooLargePage(c: Context) {
    const form = formFromEntries([], defaults());
    return failed(c, form, tooLarge(MAX_UPLOAD_BODY));
  }

  async function upload(c: Context): Promise<{ form: FormState; upload: UploadForm }> {
    const upload = await readUploadForm(c);
    const form = formFromEntries(upload.fields, defaults());
    form.mode = "oneshot";
    return { form, upload };
  }

  return new Hono()
    .post("/ui/images/describe", uploadLimit(MAX_UPLOAD_BODY, tooLargePage), async (c) => {
      let form = formFromEntries([], defaults());
      const htmx = isHtmx(c);
      const requester = requesterOf(c, services.secret);
      let planned: ImagePlan;
      try {
        const got = await upload(c);
        form = got.form;
        if (!got.upload.image) throw noImage();
        const request = validateForm(ImagePromptSchema, formToRequest(form));
        planned = await planImagePrompt(deps(), planContext(services), request, got.upload.image, {
          signal: c.req.raw.signal,
          requester,
        });
      } catch (err) {
        return await failed(c, form, err);
      }
      if (!htmx) {
        try {
          const result = await generateImagePrompt(deps(), planned, {
            requester,
            signal: c.req.raw.signal,
          });
          if (result.history_id !== null) return c.redirect(`/?result=${result.history_id}`, 303);
          return await renderHome(services, c, form, { result: resultView(result, planned) });
        } catch (err) {
          return await failed(c, form, err);
        }
      }
      try {
        services.slots.check(requester);
      } catch (err) {
        return await failed(c, form, err);
      }
      const run = services.runs.create(async (signal, emit) => {
        let panel: string;
        try {
          const result = await relayRun(
            emit,
            streamImagePrompt(deps(), planned, { requester, signal }),
          );
          panel = renderFragment(<ResultPanel result={resultView(result, planned)} />);
        } catch (err) {
          panel = renderFragment(<ResultPanel error={toErrorView(err)} />);
        }
        emit("final", panel);
      });
      return c.html(renderFragment(<StreamingPanel runId={run.id} />));
    })
    .post("/ui/images/read", uploadLimit(MAX_UPLOAD_BODY, tooLargePage), async (c) => {
      let form = formFromEntries([], defaults());
      let view: ReadingView;
      try {
        const got = await upload(c);
        form = got.form;
        if (!got.upload.image) throw noImage();
        const read = await readImage(services.images, got.upload.image, {
          thumbnail: true,
          signal: c.req.raw.signal,
        });
        view = {
          reading: read.reading,
          image: read.image,
          filename: got.upload.filename,
          thumbnail: read.thumbnail
            ? {
              base64: read.thumbnail.bytes.toBase64(),
              width: read.thumbnail.width,
              height: read.thumbnail.height,
            }
            : null,
          graph: read.apiGraph ? JSON.stringify(read.apiGraph) : null,
          target: form.model,
        };
      } catch (err) {
        const error = toErrorView(err);
        if (isHtmx(c)) return c.html(renderFragment(<ImageReadingPanel error={error} />));
        return await renderHome(services, c, form, { error }, errorStatus(err));
      }
      const panel = <ImageReadingPanel view={view} />;
      if (isHtmx(c)) return c.html(renderFragment(panel));
      // Without JavaScript the page comes back with the prompt in the idea box.
      if (view.reading.positive) form.input = view.reading.positive;
      return await renderHome(services, c, form, { panel });
    })
    .post("/ui/images/save", uploadLimit(MAX_READING_BODY), async (c) => {
      const fields = new Map(await formEntries(c));
      try {
        const reading = parseField(ReadingSchema, fields.get("reading"), "reading");
        const image = parseField(FactsSchema, fields.get("image"), "image");
        const thumbnail = parseThumbnail(fields.get("thumbnail"));
        const target = findTarget(services.targets, fields.get("model") || undefined).id;
        const id = saveReading(services.history.use(), { reading, image, thumbnail, target });
        if (!isHtmx(c)) return c.redirect("/ui/history", 303);
        return c.html(
          renderFragment(
            <SavedNotice message={`Saved to history as #${id}.`} href="/ui/history" />,
          ),
        );
      } catch (err) {
        if (isHtmx(c)) return c.html(renderFragment(<SavedNotice error={toErrorView(err)} />));
        return await renderHome(services, c, formFromEntries([], defaults()), {
          error: toErrorView(err),
        }, errorStatus(err));
      }
    })
    .post("/ui/images/save-workflow", uploadLimit(MAX_READING_BODY), async (c) => {
      const fields = new Map(await formEntries(c));
      try {
        const name = (fields.get("name") ?? "").trim();
        if (!name || name.length > 100) {
          throw badInput("name: give the workflow a name of 1 to 100 characters");
        }
        let graph: unknown;
        try {
          graph = JSON.parse(fields.get("graph") ?? "");
        } catch {
          throw badInput("graph: missing or not JSON; read the picture again");
        }
        const saved = services.comfy.use().saveWorkflow(name, graph);
        if (!isHtmx(c)) return c.redirect("/ui/comfy", 303);
        return c.html(
          renderFragment(
            <SavedNotice
              message={`Saved as the ComfyUI workflow “${saved.name}”.`}
              href="/ui/comfy"
            />,
          ),
        );
      } catch (err) {
        if (isHtmx(c)) return c.html(renderFragment(<SavedNotice error={toErrorView(err)} />));
        return await renderHome(services, c, formFromEntries([], defaults()), {
          error: toErrorView(err),
        }, errorStatus(err));
      }
    })
    .get("/ui/images/vision-models", async (c) => {
      const listing = await visionListing(services.llm, AbortSignal.timeout(3000));
      return c.html(renderFragment(<VisionHint {...listing} />));
    });
}
