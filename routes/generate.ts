import { Hono } from "hono";
import type { Services } from "../lib/services.ts";
import {
  canFallBack,
  composeResult,
  generateOnce,
  type GenerationPlan,
  runComposer,
  runGeneration,
} from "../lib/generation.ts";
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
    wildcards: services.wildcards(),
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
      const reply = (result: ReturnType<typeof composeResult>) =>
        c.json({
          model: p.target.id,
          ollama_model: result.engine === "ollama" ? p.ollamaModel : null,
          ...result,
        });
      if (body.engine === "composer") return reply(composeResult(deps, p));
      const { controller, release } = trackRequest(services, c.req.raw.signal);
      try {
        return reply(await generateOnce(deps, p, controller.signal));
      } catch (err) {
        if (body.fallback === "composer" && canFallBack(err)) {
          return reply(composeResult(deps, p, (err as Error).message));
        }
        throw err;
      } finally {
        release();
      }
    })
    .post("/generate-stream", async (c) => {
      const body = await readJson(c, GenerateSchema);
      const p = plan(services, body);
      if (body.dry_run) return c.json(dryRun(p));
      if (body.engine === "composer") {
        return await sseResponse(runComposer(deps, p), new AbortController());
      }
      const { controller, release } = trackRequest(services, c.req.raw.signal);
      try {
        return await sseResponse(
          tracked(runGeneration(deps, p, controller.signal), release),
          controller,
        );
      } catch (err) {
        release();
        if (body.fallback === "composer" && canFallBack(err)) {
          const reason = (err as Error).message;
          return await sseResponse(runComposer(deps, p, reason), new AbortController());
        }
        throw err;
      }
    });
}
