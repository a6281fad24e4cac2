import { Hono } from "hono";
import type { Services } from "../../lib/app/services.ts";
import { APP_VERSION } from "../../lib/app/version.ts";
import { backendName } from "../../lib/llm/backend_name.ts";

/**
 * `GET /healthz`: is the app up, and can it reach the LLM server? `llm` names the backend kind
 * and URL (never the key); `ollama` keeps the contract's shape for clients that read it.
 */
export function healthRoutes(
  services: Pick<Services, "llm" | "history" | "presets" | "config" | "conversations">,
): Hono {
  return new Hono().get("/", async (c) => {
    let probe: { reachable: boolean; version?: string; error?: string };
    try {
      probe = { reachable: true, version: await services.llm.version(c.req.raw.signal) };
    } catch (err) {
      probe = { reachable: false, error: err instanceof Error ? err.message : String(err) };
    }
    const { llm } = services;
    return c.json({
      status: "ok",
      version: APP_VERSION,
      llm: {
        backend: llm.setting,
        kind: llm.kind,
        name: backendName(llm.kind),
        url: services.config.llmUrl,
        ...probe,
      },
      ollama: probe,
      history: services.history.problem
        ? "unavailable"
        : services.history.peek()?.storageFull
        ? "storage_full"
        : "ok",
      // Chat conversations and page state live in Deno KV, which can fill up on its own.
      sessions: services.conversations.storageFull ? "storage_full" : "ok",
      presets: services.presets.lastError
        ? `using last good presets: ${services.presets.lastError}`
        : "ok",
    });
  });
}
