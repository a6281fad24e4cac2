import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Services } from "./lib/app/services.ts";
import { log } from "./lib/app/logger.ts";
import { errorResponse, notFoundResponse } from "./routes/http/errors.ts";
import { authGuard, csrfGuard, hostGuard, securityHeaders } from "./routes/http/guards.ts";
import { generateRoutes } from "./routes/api/generate.ts";
import { chatRoutes } from "./routes/api/chat.ts";
import { batchRoutes } from "./routes/api/batch.ts";
import { historyRoutes } from "./routes/api/history.ts";
import { presetRoutes } from "./routes/api/presets.ts";
import { comfyRoutes } from "./routes/api/comfyui.ts";
import { modelRoutes } from "./routes/api/models.ts";
import { healthRoutes } from "./routes/api/health.ts";
import { targetRoutes } from "./routes/api/targets.ts";
import { tokenRoutes } from "./routes/api/tokens.ts";
import { adminRoutes } from "./routes/api/admin.ts";
import { staticRoutes } from "./routes/pages/static.ts";
import { loginRoutes } from "./routes/pages/login.tsx";
import { homeRoutes } from "./routes/pages/home.tsx";
import { runRoutes } from "./routes/pages/runs.tsx";
import { historyPageRoutes } from "./routes/pages/history.tsx";
import { batchPageRoutes } from "./routes/pages/batch.tsx";
import { comfyPageRoutes } from "./routes/pages/comfy.tsx";
import { imageRoutes } from "./routes/api/images.ts";
import { imagePageRoutes } from "./routes/pages/images.tsx";
import { OWN_BODY_LIMIT_PATHS } from "./routes/http/image_upload.ts";
import { ollamaRoutes } from "./routes/compat/ollama.ts";
import { openAiRoutes } from "./routes/compat/openai.ts";
import { wireErrors } from "./routes/http/wire_errors.ts";
import { bodyTimeout } from "./routes/http/body_timeout.ts";
import { errorType } from "./routes/http/openai_wire.ts";

/** Largest request body accepted, in bytes (history imports have their own limit). */
export const MAX_BODY = 1024 * 1024;

/** Builds the whole app over the given services; tests call it with fakes and in-memory stores. */
export function createApp(services: Services): Hono {
  const app = new Hono();
  // One line per request at DEBUG, as the original kept its request log at WARNING: at INFO,
  // each line's file sync cost more than the request (docs/PERFORMANCE.md).
  app.use(async function requestLog(c, next) {
    const started = performance.now();
    await next();
    log("http").debug("{method} {path} {status} {ms}ms", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  // Foreign clients read their own error shapes, whichever guard or limit refused them.
  app.use("/ollama/*", wireErrors((e) => ({ error: e.message })));
  app.use(
    "/v1/*",
    wireErrors((e) => ({
      error: { message: e.message, type: errorType(e.status), param: null, code: e.type ?? null },
    }), "application/json"),
  );
  app.use(securityHeaders());
  app.use(hostGuard(services.config));
  app.use(csrfGuard());
  app.use(authGuard(services.config));
  // A body that stalls ends with a 408; a body dribbled in still ends after 20 times the wait.
  app.use(bodyTimeout({
    idleMs: services.config.bodyTimeoutMs,
    totalMs: services.config.bodyTimeoutMs * 20,
  }));
  const limit = bodyLimit({ maxSize: MAX_BODY });
  app.use(async function limitBody(c, next) {
    // These routes set their own limits (imports, image uploads).
    if (c.req.path === "/history/import" || OWN_BODY_LIMIT_PATHS.has(c.req.path)) {
      return await next();
    }
    return await limit(c, next);
  });

  // Pages: HTML for browsers, htmx fragments, and plain form posts.
  app.route("/", staticRoutes());
  app.route("/", loginRoutes(services.config, () => services.now().getTime()));
  app.route("/", homeRoutes(services)); //          GET /, /ui/form, /ui/picker
  app.route("/", runRoutes(services)); //           /ui/generate, /ui/chat, /ui/runs/:id
  app.route("/", historyPageRoutes(services)); //   /ui/history…
  app.route("/", batchPageRoutes(services)); //     /ui/batch
  app.route("/", comfyPageRoutes(services)); //     /ui/comfy…
  app.route("/", imagePageRoutes(services)); //     /ui/images… (describe, read, save)

  // The JSON API (and SSE), compatible with the original app's routes.
  app.route("/", generateRoutes(services)); //      /generate, /generate-stream
  app.route("/", chatRoutes(services)); //          /chat…, /persona-chat…, /reset, /api/personas
  app.route("/", batchRoutes(services)); //         /generate-batch, /api/batches/:id…
  app.route("/", presetRoutes(services)); //        /presets, /api/categories…, /api/presets/custom
  app.route("/history", historyRoutes(services)); // list, search, replay, export, import
  app.route("/api/comfyui", comfyRoutes(services)); // workflows, send, jobs, images
  app.route("/models", modelRoutes(services));
  app.route("/healthz", healthRoutes(services));
  app.route("/api/targets", targetRoutes(services));
  app.route("/api/tokens", tokenRoutes(services));
  app.route("/", adminRoutes(services)); //         /admin/reload-prompts
  app.route("/", imageRoutes(services)); //         /api/images…, /history/:id/thumbnail

  // Our targets and packs served as models, for ComfyUI's LLM nodes and other clients.
  app.route("/ollama", ollamaRoutes(services)); // Ollama's native API
  app.route("/v1", openAiRoutes(services)); //     the OpenAI Chat Completions API

  app.onError(errorResponse);
  app.notFound((c) => notFoundResponse(app, c));
  return app;
}

if (import.meta.main) {
  const { runCli } = await import("./cli/main.ts");
  Deno.exit(await runCli(Deno.args, createApp));
}
