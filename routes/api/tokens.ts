import { Hono } from "hono";
import type { Services } from "../../lib/app/services.ts";
import { findTarget } from "../../lib/prompt/plans.ts";
import { tokenReport } from "../../lib/prompt/target_tokens.ts";
import { readJson } from "../http/request_body.ts";
import { TokensSchema } from "../http/schemas.ts";

/**
 * `POST /api/tokens` `{text, model}`: the text's tokens for each encoder of the target (weights
 * and LoRA tags stripped first, as ComfyUI and A1111 do), CLIP's 75-token chunks as offsets in
 * the text, the budget, and the warning when CLIP beside T5 misses words that matter.
 */
export function tokenRoutes(services: Pick<Services, "targets">): Hono {
  return new Hono().post("/", async (c) => {
    const body = await readJson(c, TokensSchema);
    const target = findTarget(services.targets, body.model);
    return c.json(tokenReport(body.text, target, body.important, body.chunk_rule));
  });
}
