import { joinLines } from "../../lib/app/text_scan.ts";
import { Hono } from "hono";
import { generationDeps, planContext, type Services } from "../../lib/app/services.ts";
import { planBatch, startBatch } from "../../lib/batch/start_batch.ts";
import { describePlan } from "../../lib/generate/generate.ts";
import { badInput, notFound } from "../../lib/app/errors.ts";
import type { BatchRecord, BatchResult } from "../../lib/batch/batch.ts";
import { readJson } from "../http/request_body.ts";
import { BatchSchema } from "../http/schemas.ts";
import { abortWithRequest, sseResponse } from "../http/sse.ts";
import { requesterOf } from "../http/requester.ts";

type Deps = Pick<
  Services,
  | "llm"
  | "history"
  | "slots"
  | "targets"
  | "presets"
  | "config"
  | "wildcards"
  | "secret"
  | "batches"
  | "structured"
>;

/** `/generate-batch` (SSE progress) and `/api/batches/:id` status, cancel and export. */
export function batchRoutes(services: Deps): Hono {
  const registry = services.batches;
  const find = (id: string): BatchRecord<BatchResult> => {
    const b = registry.get(id);
    if (!b) throw notFound("Batch not found", `No batch "${id}"; batches are kept for an hour.`);
    return b;
  };
  return new Hono()
    .post("/generate-batch", async (c) => {
      const body = await readJson(c, BatchSchema);
      if (body.dry_run) {
        const { items, plans } = planBatch(planContext(services), body);
        return c.json({
          dry_run: true,
          total: items.length,
          items: items.map((item) => ({
            index: item.index,
            input: item.input,
            ...describePlan(plans.get(item.index)!, services.structured),
          })),
        });
      }
      const stop = abortWithRequest(c.req.raw);
      const { events } = startBatch(
        {
          ...generationDeps(services),
          slots: services.slots,
          planContext: planContext(services),
          batches: registry,
        },
        body,
        { requester: requesterOf(c, services.secret), signal: stop.signal },
      );
      return await sseResponse(events, stop);
    })
    .get("/api/batches/:id", (c) => {
      const b = find(c.req.param("id"));
      return c.json({
        id: b.id,
        total: b.total,
        finished: b.finished,
        cancelled: b.controller.signal.aborted,
        outcomes: b.outcomes,
      });
    })
    .post("/api/batches/:id/cancel", (c) => {
      const b = find(c.req.param("id"));
      b.controller.abort();
      return c.json({ id: b.id, status: "cancelled" });
    })
    .get("/api/batches/:id/export", (c) => {
      const b = find(c.req.param("id"));
      const format = c.req.query("format") ?? "txt";
      const sorted = [...b.outcomes].sort((x, y) => x.index - y.index);
      if (format === "jsonl") {
        return c.body(sorted.map((o) => JSON.stringify(o)).join("\n") + "\n", 200, {
          "content-type": "application/x-ndjson; charset=utf-8",
          "content-disposition": `attachment; filename="batch-${b.id.slice(0, 8)}.jsonl"`,
        });
      }
      if (format !== "txt") throw badInput("format must be txt or jsonl");
      const lines = sorted.filter((o) => "result" in o).map((o) =>
        joinLines("result" in o ? o.result.positive : "")
      );
      return c.body(lines.join("\n") + "\n", 200, {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": `attachment; filename="batch-${b.id.slice(0, 8)}.txt"`,
      });
    });
}
