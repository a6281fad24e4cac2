import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Services } from "./lib/app/services.ts";
import { log } from "./lib/app/logger.ts";
import { errorResponse, notFoundResponse } from "./routes/http/errors.ts";
import { generateRoutes } from "./routes/api/generate.ts";
import { modelRoutes } from "./routes/api/models.ts";
import { healthRoutes } from "./routes/api/health.ts";
import { targetRoutes } from "./routes/api/targets.ts";
import { presetRoutes } from "./routes/api/presets.ts";
import { chatRoutes } from "./routes/api/chat.ts";
import { historyRoutes } from "./routes/api/history.ts";
import { pageRoutes } from "./routes/pages/home.tsx";
import { uiRunRoutes } from "./routes/pages/runs.tsx";
import { uiHistoryRoutes } from "./routes/pages/history.tsx";
import { staticRoutes } from "./routes/pages/static.ts";
import { batchRoutes } from "./routes/api/batch.ts";
import { uiBatchRoutes } from "./routes/pages/batch.tsx";
import { comfyRoutes } from "./routes/api/comfyui.ts";
import { uiComfyRoutes } from "./routes/pages/comfy.tsx";
import {
  authGuard,
  csrfGuard,
  hostGuard,
  loginRoutes,
  securityHeaders,
} from "./routes/http/guards.tsx";

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
  const { runCli } = await import("./cli/main.ts");
  Deno.exit(await runCli(Deno.args, createApp));
}
