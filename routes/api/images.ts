import { Hono } from "hono";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { notFound } from "../../lib/app/errors.ts";
import { describePlan } from "../../lib/generate/generate.ts";
import {
  generateImagePrompt,
  type ImagePlan,
  planImagePrompt,
  streamImagePrompt,
} from "../../lib/generate/image_prompt.ts";
import { readImageReport } from "../../lib/images/read_image.ts";
import { visionListing } from "../../lib/images/vision.ts";
import { findTarget } from "../../lib/prompt/plans.ts";
import { ImagePromptSchema, ImageReadSchema } from "../http/image_schemas.ts";
import { MAX_UPLOAD_BODY, readImageRequest, uploadLimit } from "../http/image_upload.ts";
import { requesterOf } from "../http/requester.ts";
import { failWhenNotSaved, generationJson } from "../http/not_saved.ts";
import { abortWithRequest, sseResponse } from "../http/sse.ts";

type Deps = Pick<
  Services,
  | "llm"
  | "history"
  | "slots"
  | "targets"
  | "presets"
  | "config"
  | "wildcards"
  | "secret"
  | "images"
>;

/** What the reply says about the picture besides the prompt. */
function imageFields(planned: ImagePlan) {
  return { image: planned.image, vision: planned.vision, read: planned.reading };
}

/**
 * Images in: `POST /api/images/prompt` (and `-stream`) writes a prompt from a picture with a
 * vision model; `POST /api/images/read` reads the prompt a picture's metadata carries;
 * `GET /api/images/vision-models`; `GET /history/:id/thumbnail`.
 */
export function imageRoutes(services: Deps): Hono {
  const deps = () => ({
    ...generationDeps(services),
    slots: services.slots,
    images: services.images,
  });
  const limit = uploadLimit(MAX_UPLOAD_BODY);
  return new Hono()
    .post("/api/images/prompt", limit, async (c) => {
      const { body, bytes } = await readImageRequest(c, ImagePromptSchema);
      const requester = requesterOf(c, services.secret);
      const signal = c.req.raw.signal;
      const planned = await planImagePrompt(deps(), planContext(services), body, bytes, {
        signal,
        requester,
      });
      if (body.dry_run) return c.json({ ...describePlan(planned.plan), ...imageFields(planned) });
      const result = await generateImagePrompt(deps(), planned, { requester, signal });
      return generationJson(c, {
        model: planned.plan.target.id,
        ollama_model: planned.plan.ollamaModel,
        ...result,
        ...imageFields(planned),
      });
    })
    .post("/api/images/prompt-stream", limit, async (c) => {
      const { body, bytes } = await readImageRequest(c, ImagePromptSchema);
      const requester = requesterOf(c, services.secret);
      const stop = abortWithRequest(c.req.raw);
      const planned = await planImagePrompt(deps(), planContext(services), body, bytes, {
        signal: stop.signal,
        requester,
      });
      if (body.dry_run) return c.json({ ...describePlan(planned.plan), ...imageFields(planned) });
      const events = streamImagePrompt(deps(), planned, { requester, signal: stop.signal });
      return await sseResponse(failWhenNotSaved(events), stop);
    })
    .post("/api/images/read", limit, async (c) => {
      const { body, bytes } = await readImageRequest(c, ImageReadSchema);
      // The target is checked before any work, so a typo never costs a decode.
      const target = body.save ? findTarget(services.targets, body.model).id : null;
      const keep = target ? { history: services.history.use(), target } : undefined;
      return c.json(
        await readImageReport(services.images, bytes, { keep, signal: c.req.raw.signal }),
      );
    })
    .get("/api/images/vision-models", async (c) => {
      return c.json(await visionListing(services.llm, c.req.raw.signal));
    })
    .get("/history/:id/thumbnail", (c) => {
      const raw = c.req.param("id");
      const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
      const bytes = Number.isNaN(id) ? null : services.history.use().sources.thumbnail(id);
      if (!bytes) {
        throw notFound(
          "Not found",
          `History item ${raw} has no picture; only entries made from or read from an image have one.`,
        );
      }
      return c.body(bytes.slice().buffer, 200, {
        "content-type": "image/jpeg",
        // An id is never reused, so its thumbnail never changes.
        "cache-control": "private, max-age=86400, immutable",
      });
    });
}
