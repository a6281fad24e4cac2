import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Services } from "./lib/services.ts";
import { log } from "./lib/logger.ts";
import { errorResponse, notFoundResponse } from "./routes/errors.ts";
import { generateRoutes } from "./routes/generate.ts";
import { modelRoutes } from "./routes/models.ts";
import { healthRoutes } from "./routes/health.ts";
import { targetRoutes } from "./routes/targets.ts";
import { presetRoutes } from "./routes/presets.ts";
import { chatRoutes } from "./routes/chat.ts";
import { historyRoutes } from "./routes/history.ts";
import { pageRoutes } from "./routes/pages.tsx";
import { uiRunRoutes } from "./routes/ui_runs.tsx";
import { uiHistoryRoutes } from "./routes/ui_history.tsx";
import { staticRoutes } from "./routes/static.ts";
import { batchRoutes } from "./routes/batch.ts";
import { uiBatchRoutes } from "./routes/ui_batch.tsx";
import { comfyRoutes } from "./routes/comfyui.ts";
import { uiComfyRoutes } from "./routes/ui_comfy.tsx";
import { authGuard, csrfGuard, hostGuard, loginRoutes, securityHeaders } from "./routes/guards.tsx";

/** Largest request body accepted, in bytes. */
export const MAX_BODY = 1024 * 1024;

/** Builds the whole app over the given services; tests call it with fakes and in-memory stores. */
export function createApp(services: Services): Hono {
  const app = new Hono();
  app.use(async function requestLog(c, next) {
    const started = performance.now();
    await next();
    log("http").info("{method} {path} {status} {ms}ms", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  app.use(securityHeaders());
  app.use(hostGuard(services.config));
  app.use(csrfGuard());
  app.use(authGuard(services.config));
  const limit = bodyLimit({ maxSize: MAX_BODY });
  app.use(async function limitBody(c, next) {
    // Imports carry whole history files and have their own, larger limit.
    if (c.req.path === "/history/import") return await next();
    return await limit(c, next);
  });
  app.route("/", staticRoutes());
  app.route("/", loginRoutes(services.config));
  app.route("/", pageRoutes(services));
  app.route("/", uiRunRoutes(services));
  app.route("/", uiHistoryRoutes(services));
  app.route("/", generateRoutes(services));
  app.route("/", batchRoutes(services));
  app.route("/", uiBatchRoutes(services));
  app.route("/api/comfyui", comfyRoutes(services));
  app.route("/", uiComfyRoutes(services));
  app.route("/", presetRoutes(services));
  app.route("/", chatRoutes(services));
  app.route("/history", historyRoutes(services));
  app.route("/models", modelRoutes(services));
  app.route("/healthz", healthRoutes(services));
  app.route("/api/targets", targetRoutes(services));
  app.onError(errorResponse);
  app.notFound((c) => notFoundResponse(app, c));
  return app;
}

if (import.meta.main) {
  const { runCli } = await import("./lib/cli.ts");
  Deno.exit(await runCli(Deno.args, createApp));
}
