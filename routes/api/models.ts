import { Hono } from "hono";
import type { Services } from "../../lib/app/services.ts";

/** `GET /models`: the models the LLM server offers, and the default one. */
export function modelRoutes(services: Pick<Services, "llm" | "config">): Hono {
  return new Hono().get("/", async (c) => {
    const models = await services.llm.tags(c.req.raw.signal);
    return c.json({
      models: models.map((m) => m.name),
      default: services.config.ollamaModel,
      details: models.map((m) => ({
        name: m.name,
        size: m.size ?? null,
        digest: m.digest ?? null,
        parameter_size: (m.details?.parameter_size as string | undefined) ?? null,
        // OpenAI-compatible listings that say what a model reads put it in `details`.
        capabilities: (m as { capabilities?: string[] }).capabilities ??
          (m.details?.capabilities as string[] | undefined) ?? null,
      })),
    });
  });
}
