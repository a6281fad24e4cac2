import { Hono } from "hono";
import type { Services } from "../../lib/app/services.ts";
import { APP_VERSION } from "../../lib/app/version.ts";

/** `GET /healthz`: is the app up, and can it reach Ollama? */
export function healthRoutes(services: Pick<Services, "llm" | "history" | "presets">): Hono {
  return new Hono().get("/", async (c) => {
    let ollama: { reachable: boolean; version?: string; error?: string };
    try {
      ollama = { reachable: true, version: await services.llm.version(c.req.raw.signal) };
    } catch (err) {
      ollama = { reachable: false, error: err instanceof Error ? err.message : String(err) };
    }
    return c.json({
      status: "ok",
      version: APP_VERSION,
      ollama,
      history: services.history.problem ? "unavailable" : "ok",
      presets: services.presets.lastError
        ? `using last good presets: ${services.presets.lastError}`
        : "ok",
    });
  });
}
