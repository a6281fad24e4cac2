import { Hono } from "hono";
import type { Services } from "../../lib/app/services.ts";

/** `GET /api/targets`: the target image models and how their prompts are shaped. */
export function targetRoutes(services: Pick<Services, "targets">): Hono {
  return new Hono().get("/", (c) => c.json(services.targets));
}
