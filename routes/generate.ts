import { Hono } from "hono";
import type { Services } from "../lib/services.ts";
import { generateOnce, type GenerationPlan, runGeneration } from "../lib/generation.ts";
import { planOneShot } from "../lib/plans.ts";
import { readJson } from "./request_body.ts";
import { type GenerateRequest, GenerateSchema } from "./schemas.ts";
import { sseResponse } from "./sse.ts";

/** An abort controller tied to the HTTP request and registered as in flight until `release`. */
export function trackRequest(services: Services, signal: AbortSignal) {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  services.inflight.add(controller);
  return {
    controller,
    release() {
      signal.removeEventListener("abort", onAbort);
      services.inflight.delete(controller);
    },
  };
}

/** Wraps a generator so the request stays tracked until the stream ends, however it ends. */
export async function* tracked<T>(
  events: AsyncGenerator<T>,
  release: () => void,
): AsyncGenerator<T> {
  try {
    yield* events;
  } finally {
    release();
  }
}

function plan(services: Services, body: GenerateRequest): GenerationPlan {
  return planOneShot({
    targets: services.targets,
    catalog: services.presets.get(services.config.enableNsfwPresets),
    defaultModel: services.config.ollamaModel,
  }, body);
}

function dryRun(p: GenerationPlan) {
  return {
    dry_run: true,
    model: p.target.id,
    ollama_model: p.ollamaModel,
    messages: p.messages,
    options: p.options,
    preset_negatives: p.presetNegatives,
  };
}

/** `POST /generate` and `POST /generate-stream`: one-shot prompt generation. */
export function generateRoutes(services: Services): Hono {
  const deps = { ollama: services.ollama, history: services.history };
  return new Hono()
    .post("/generate", async (c) => {
      const body = await readJson(c, GenerateSchema);
      const p = plan(services, body);
      if (body.dry_run) return c.json(dryRun(p));
      const { controller, release } = trackRequest(services, c.req.raw.signal);
      try {
        const result = await generateOnce(deps, p, controller.signal);
        return c.json({ model: p.target.id, ollama_model: p.ollamaModel, ...result });
      } finally {
        release();
      }
    })
    .post("/generate-stream", async (c) => {
      const body = await readJson(c, GenerateSchema);
      const p = plan(services, body);
      if (body.dry_run) return c.json(dryRun(p));
      const { controller, release } = trackRequest(services, c.req.raw.signal);
      try {
        return await sseResponse(
          tracked(runGeneration(deps, p, controller.signal), release),
          controller,
        );
      } catch (err) {
        release();
        throw err;
      }
    });
}
