import { Hono } from "hono";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { planOneShot } from "../../lib/prompt/plans.ts";
import { describePlan, generatePrompt, streamPrompt } from "../../lib/generate/generate.ts";
import { readJson } from "../http/request_body.ts";
import { GenerateSchema } from "../http/schemas.ts";
import { abortWithRequest, sseResponse } from "../http/sse.ts";
import { requesterOf } from "../http/requester.ts";
import { failWhenNotSaved, generationJson } from "../http/not_saved.ts";

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
  | "structured"
>;

/** `POST /generate` and `POST /generate-stream`: one-shot prompt generation. */
export function generateRoutes(services: Deps): Hono {
  const deps = () => ({ ...generationDeps(services), slots: services.slots });
  return new Hono()
    .post("/generate", async (c) => {
      const body = await readJson(c, GenerateSchema);
      const plan = planOneShot(planContext(services), body);
      if (body.dry_run) return c.json(describePlan(plan, services.structured));
      const result = await generatePrompt(deps(), plan, {
        engine: body.engine,
        fallback: body.fallback === "composer",
        requester: requesterOf(c, services.secret),
        signal: c.req.raw.signal,
      });
      return generationJson(c, {
        model: plan.target.id,
        ollama_model: result.engine === "ollama" ? plan.ollamaModel : null,
        ...result,
      });
    })
    .post("/generate-stream", async (c) => {
      const body = await readJson(c, GenerateSchema);
      const plan = planOneShot(planContext(services), body);
      if (body.dry_run) return c.json(describePlan(plan, services.structured));
      const stop = abortWithRequest(c.req.raw);
      const events = streamPrompt(deps(), plan, {
        engine: body.engine,
        fallback: body.fallback === "composer",
        requester: requesterOf(c, services.secret),
        signal: stop.signal,
      });
      return await sseResponse(failWhenNotSaved(events), stop);
    });
}
