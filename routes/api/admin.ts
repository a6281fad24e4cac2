import { Hono } from "hono";
import type { Services } from "../../lib/app/services.ts";
import { adminRefusal } from "../../lib/app/auth.ts";
import { reloadPrompts } from "../../lib/app/reload.ts";
import { log } from "../../lib/app/logger.ts";
import { peerAddress } from "../http/requester.ts";

/**
 * `POST /admin/reload-prompts`, with the original app's key handling and reply shapes (its
 * `success` flag beside our error fields). `AUTH_TOKEN`, when set, is checked before this.
 */
export function adminRoutes(
  services: Pick<Services, "config" | "presets" | "personas" | "targets" | "now">,
): Hono {
  return new Hono().post("/admin/reload-prompts", (c) => {
    const peer = peerAddress(c);
    const sentKey = c.req.header("x-admin-api-key") || c.req.query("admin_api_key");
    const refusal = adminRefusal(services.config.adminApiKey, peer, sentKey);
    if (refusal) {
      log("admin").warn("Refused a prompt reload from {peer}", { peer });
      return c.json({
        success: false,
        error: "forbidden",
        message: `Unauthorized access to admin endpoint: ${refusal}.`,
        status: 403,
        type: "forbidden",
      }, 403);
    }
    try {
      const summary = reloadPrompts({
        presets: services.presets,
        personas: services.personas,
        targets: services.targets,
        nsfw: services.config.enableNsfwPresets,
      });
      return c.json({
        success: true,
        message: "System prompts reloaded successfully",
        reloaded: summary.reloaded,
        timestamp: services.now().toISOString(),
        personas: summary.personas,
        presets: summary.presets,
      });
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      log("admin").error("Prompt reload failed: {error}", { error: detail });
      return c.json({
        success: false,
        error: "Failed to reload prompts",
        message:
          `${detail}. Fix the file and reload again; until then the last good version stays in use.`,
        status: 500,
        type: "reload_failed",
      }, 500);
    }
  });
}
