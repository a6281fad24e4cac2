import { Hono } from "hono";
import { z } from "zod";
import type { Services } from "../../lib/app/services.ts";
import { notFound } from "../../lib/app/errors.ts";
import { sendToComfy } from "../../lib/comfy/send.ts";
import { readJson } from "../http/request_body.ts";
import { SendSchema } from "../http/schemas.ts";
import { requesterOf } from "../http/requester.ts";

type Deps = Pick<Services, "comfy" | "history" | "llm" | "slots" | "config" | "secret">;

const WorkflowSchema = z.object({
  name: z.string().trim().min(1).max(80),
  workflow: z.unknown(),
});

/** `/api/comfyui/*`: workflows, sending, jobs and their images. */
export function comfyRoutes(services: Deps): Hono {
  const comfy = () => services.comfy.use();
  return new Hono()
    .get(
      "/status",
      async (c) => c.json({ url: comfy().client.baseUrl, ...await comfy().client.status() }),
    )
    .get("/workflows", (c) => c.json({ workflows: comfy().listWorkflows() }))
    .post("/workflows", async (c) => {
      const body = await readJson(c, WorkflowSchema);
      return c.json(comfy().saveWorkflow(body.name, body.workflow), 201);
    })
    .delete("/workflows/:id", (c) => {
      const id = Number(c.req.param("id"));
      if (!comfy().deleteWorkflow(id)) {
        throw notFound("Workflow not found", `No workflow with id ${c.req.param("id")}.`);
      }
      return c.json({ id, status: "deleted" });
    })
    .post(
      "/send",
      async (c) => {
        const body = await readJson(c, SendSchema);
        const job = await sendToComfy(
          {
            comfy: comfy(),
            history: services.history.peek(),
            llm: services.llm,
            slots: services.slots,
            defaultModel: services.config.ollamaModel,
          },
          body,
          requesterOf(c, services.secret),
        );
        return c.json(job, 202);
      },
    )
    .get("/jobs/:id", (c) => {
      const job = comfy().job(c.req.param("id"));
      if (!job) {
        throw notFound(
          "Job not found",
          `No ComfyUI job "${c.req.param("id")}" since the app started.`,
        );
      }
      return c.json(job);
    })
    .get("/jobs/:id/images/:n", async (c) => {
      const job = comfy().job(c.req.param("id"));
      const image = job?.images[Number(c.req.param("n"))];
      if (!image) throw notFound("Image not found", "That job has no such image (yet).");
      const res = await comfy().client.view(image);
      if (!res.ok) throw notFound("Image not found", `ComfyUI has no file ${image.filename}.`);
      return new Response(res.body, {
        headers: {
          "content-type": res.headers.get("content-type") ?? "image/png",
          "cache-control": "private, max-age=3600",
        },
      });
    })
    .get("/history/:id/images/:n", async (c) => {
      const image = comfy().imagesOf(Number(c.req.param("id")))[Number(c.req.param("n"))];
      if (!image) throw notFound("Image not found", "That history entry has no such image.");
      const res = await comfy().client.view(image);
      if (!res.ok) throw notFound("Image not found", `ComfyUI no longer has ${image.filename}.`);
      return new Response(res.body, {
        headers: { "content-type": res.headers.get("content-type") ?? "image/png" },
      });
    });
}
