import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../http/session.ts";
import { AppError } from "../../lib/app/errors.ts";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import {
  canFallBack,
  composeResult,
  generateOnce,
  type GenerationPlan,
  runComposer,
  runGeneration,
} from "../../lib/generate/generation.ts";
import { planOneShot } from "../../lib/prompt/plans.ts";
import { readJson } from "../http/request_body.ts";
import { type GenerateRequest, GenerateSchema } from "../http/schemas.ts";
import { sseResponse } from "../http/sse.ts";

/** Who a request comes from, for the per-client generation cap. */
export function clientKey(c: Context): string {
  const session = getCookie(c, SESSION_COOKIE);
  if (session) return `session:${session}`;
  const addr = (c.env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr?.hostname;
  return `addr:${addr ?? "local"}`;
}

/**
 * Takes one of the client's generation slots (429 with Retry-After when all are busy) and an
 * abort controller tied to the HTTP request; both are held until `release`.
 */
export function trackRequest(services: Services, c: Context) {
  const slot = services.limiter.tryAcquire(clientKey(c));
  if (!slot) {
    throw new AppError(
      429,
      "Too many generations",
      `You already have ${services.limiter.max} generations running; wait for one to finish, then try again.`,
      "too_many_requests",
      { "Retry-After": "5" },
    );
  }
  const signal = c.req.raw.signal;
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  services.inflight.add(controller);
  return {
    controller,
    release() {
      slot();
      signal.removeEventListener("abort", onAbort);
      services.inflight.delete(controller);
    },
  };
}

function plan(services: Services, body: GenerateRequest): GenerationPlan {
  return planOneShot(planContext(services), body);
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
  const deps = generationDeps(services);
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
      const { controller, release } = trackRequest(services, c);
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
      const { controller, release } = trackRequest(services, c);
      try {
        return await sseResponse(runGeneration(deps, p, controller.signal), controller, release);
      } catch (err) {
        if (body.fallback === "composer" && canFallBack(err)) {
          const reason = (err as Error).message;
          return await sseResponse(runComposer(deps, p, reason), new AbortController());
        }
        throw err;
      }
    });
}
