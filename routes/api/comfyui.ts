import { Hono } from "hono";
import { z } from "zod";
import type { Services } from "../../lib/app/services.ts";
import type { ComfyService } from "../../lib/comfy/jobs.ts";
import { badInput, notFound } from "../../lib/app/errors.ts";
import { historyUnavailable } from "../../lib/history/store.ts";
import { readJson } from "../http/request_body.ts";

const WorkflowSchema = z.object({
  name: z.string().trim().min(1).max(80),
  workflow: z.unknown(),
});

/** `POST /api/comfyui/send` bodies. */
export const SendSchema = z.object({
  workflow_id: z.number().int().positive(),
  history_id: z.number().int().positive().optional(),
  positive: z.string().trim().min(1).max(20_000).optional(),
  negative: z.string().max(20_000).nullish(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  unload_llm: z.boolean().optional(),
});

/** Resolves what to send and sends it; shared by the API and the page. */
export async function sendToComfy(services: Services, body: z.infer<typeof SendSchema>) {
  const comfy = comfyOf(services);
  let positive = body.positive;
  let negative = body.negative ?? null;
  let model = services.config.ollamaModel;
  if (body.history_id !== undefined) {
    const entry = services.history?.get(body.history_id);
    if (!entry) throw notFound("Not found", `History item with ID ${body.history_id} not found`);
    positive = entry.positive || entry.generated_output;
    negative = entry.negative;
    model = entry.ollama_model ?? model;
  }
  if (!positive) throw badInput("positive: send a history_id or a positive prompt");
  return await comfy.send({
    workflowId: body.workflow_id,
    positive,
    negative,
    seed: body.seed,
    historyId: body.history_id ?? null,
    unload: body.unload_llm === false ? undefined : () => services.ollama.unload(model),
  });
}

/** The ComfyUI service, or 503 when the database behind it is unavailable. */
export function comfyOf(services: Services): ComfyService {
  if (!services.comfy) throw historyUnavailable(services.historyError ?? "not open");
  return services.comfy;
}

/** `/api/comfyui/*`: workflows, sending, jobs and their images. */
export function comfyRoutes(services: Services): Hono {
  return new Hono()
    .get(
      "/status",
      async (c) =>
        c.json({ url: services.config.comfyuiUrl, ...await comfyOf(services).client.status() }),
    )
    .get("/workflows", (c) => c.json({ workflows: comfyOf(services).listWorkflows() }))
    .post("/workflows", async (c) => {
      const body = await readJson(c, WorkflowSchema);
      return c.json(comfyOf(services).saveWorkflow(body.name, body.workflow), 201);
    })
    .delete("/workflows/:id", (c) => {
      const id = Number(c.req.param("id"));
      if (!comfyOf(services).deleteWorkflow(id)) {
        throw notFound("Workflow not found", `No workflow with id ${c.req.param("id")}.`);
      }
      return c.json({ id, status: "deleted" });
    })
    .post(
      "/send",
      async (c) => c.json(await sendToComfy(services, await readJson(c, SendSchema)), 202),
    )
    .get("/jobs/:id", (c) => {
      const job = comfyOf(services).job(c.req.param("id"));
      if (!job) {
        throw notFound(
          "Job not found",
          `No ComfyUI job "${c.req.param("id")}" since the app started.`,
        );
      }
      return c.json(job);
    })
    .get("/jobs/:id/images/:n", async (c) => {
      const job = comfyOf(services).job(c.req.param("id"));
      const image = job?.images[Number(c.req.param("n"))];
      if (!image) throw notFound("Image not found", "That job has no such image (yet).");
      const res = await comfyOf(services).client.view(image);
      if (!res.ok) throw notFound("Image not found", `ComfyUI has no file ${image.filename}.`);
      return new Response(res.body, {
        headers: {
          "content-type": res.headers.get("content-type") ?? "image/png",
          "cache-control": "private, max-age=3600",
        },
      });
    })
    .get("/history/:id/images/:n", async (c) => {
      const image = comfyOf(services).imagesOf(Number(c.req.param("id")))[Number(c.req.param("n"))];
      if (!image) throw notFound("Image not found", "That history entry has no such image.");
      const res = await comfyOf(services).client.view(image);
      if (!res.ok) throw notFound("Image not found", `ComfyUI no longer has ${image.filename}.`);
      return new Response(res.body, {
        headers: { "content-type": res.headers.get("content-type") ?? "image/png" },
      });
    });
}
