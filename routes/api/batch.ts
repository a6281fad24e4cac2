import { type Context, Hono } from "hono";
import { z } from "zod";
import type { Services } from "../../lib/app/services.ts";
import { generationDeps, planContext } from "../../lib/app/services.ts";
import {
  type BatchItem,
  type BatchResult,
  expandBatch,
  MAX_BATCH,
  runBatch,
  SWEEP_FIELDS,
} from "../../lib/batch/batch.ts";
import { planOneShot } from "../../lib/prompt/plans.ts";
import { composeResult, generateOnce, type GenerationPlan } from "../../lib/generate/generation.ts";
import { badInput, notFound } from "../../lib/app/errors.ts";
import { readJson } from "../http/request_body.ts";
import { GenerationFields, MAX_TEXT } from "../http/schemas.ts";
import { sseResponse } from "../http/sse.ts";
import { trackRequest } from "./generate.ts";

const Text = z.string().trim().min(1).max(MAX_TEXT);

/** `POST /generate-batch` bodies: `inputs`, or `input` with `variations` or `sweep`. */
export const BatchSchema = z.object({
  inputs: z.array(Text).min(1).max(MAX_BATCH).optional(),
  input: Text.optional(),
  variations: z.number().int().min(1).max(50).optional(),
  sweep: z.partialRecord(z.enum(SWEEP_FIELDS), z.array(z.string().max(200)).min(1).max(20))
    .optional(),
  concurrency: z.number().int().min(1).max(4).optional(),
  engine: z.enum(["ollama", "composer"]).optional(),
  ...GenerationFields,
});

/** A started batch: its record and the event stream (first `{batch_id,total}`, items, then done). */
export function startBatch(
  services: Services,
  c: Context,
  body: z.infer<typeof BatchSchema>,
) {
  if (body.inputs && body.input) throw badInput("inputs: send either inputs or input, not both");
  if (body.variations && body.sweep) {
    throw badInput("variations: send either variations or sweep, not both");
  }
  const items = expandBatch(body);
  const ctx = planContext(services);
  const {
    inputs: _i,
    variations: _v,
    sweep: _s,
    concurrency: _c,
    engine: _e,
    input: _in,
    ...shared
  } = body;
  // Every item is planned before anything runs, so a bad preset fails the request, not item 37.
  const plans = new Map<number, GenerationPlan>();
  for (const item of items) {
    const plan = planOneShot(ctx, { ...shared, ...item.overrides, input: item.input } as never);
    plan.mode = "batch";
    plans.set(item.index, plan);
  }
  const record = services.batches.create(items.length);
  const { controller, release } = trackRequest(services, c);
  controller.signal.addEventListener("abort", () => record.controller.abort(), { once: true });
  const deps = generationDeps(services);
  const run = async (item: BatchItem, signal: AbortSignal): Promise<BatchResult> => {
    const plan = plans.get(item.index)!;
    const result = body.engine === "composer"
      ? composeResult(deps, plan)
      : await generateOnce(deps, plan, signal);
    return {
      input: plan.idea,
      seed: plan.options.seed ?? null,
      positive: result.positive,
      negative: result.negative,
      engine: result.engine,
      history_id: result.history_id,
      result: result.result,
    };
  };
  async function* events() {
    try {
      yield { batch_id: record.id, total: items.length };
      let succeeded = 0;
      const options = { concurrency: body.concurrency ?? 1, signal: record.controller.signal };
      for await (const outcome of runBatch(items, run, options)) {
        record.outcomes.push(outcome);
        if ("result" in outcome) succeeded++;
        yield outcome;
      }
      record.finished = true;
      yield {
        done: true as const,
        batch_id: record.id,
        total: items.length,
        succeeded,
        failed: record.outcomes.length - succeeded,
        cancelled: record.controller.signal.aborted,
      };
    } finally {
      record.finished = true;
      release();
    }
  }
  return { record, controller, events: events() };
}

/** `/generate-batch` (SSE progress) and `/api/batches/:id` status, cancel and export. */
export function batchRoutes(services: Services): Hono {
  const registry = services.batches;
  return new Hono()
    .post("/generate-batch", async (c) => {
      const { controller, events } = startBatch(services, c, await readJson(c, BatchSchema));
      return await sseResponse(events, controller);
    })
    .get("/api/batches/:id", (c) => {
      const b = registry.get(c.req.param("id"));
      if (!b) {
        throw notFound(
          "Batch not found",
          `No batch "${c.req.param("id")}"; batches are kept for an hour.`,
        );
      }
      return c.json({
        id: b.id,
        total: b.total,
        finished: b.finished,
        cancelled: b.controller.signal.aborted,
        outcomes: b.outcomes,
      });
    })
    .post("/api/batches/:id/cancel", (c) => {
      const b = registry.get(c.req.param("id"));
      if (!b) throw notFound("Batch not found", `No batch "${c.req.param("id")}".`);
      b.controller.abort();
      return c.json({ id: b.id, status: "cancelled" });
    })
    .get("/api/batches/:id/export", (c) => {
      const b = registry.get(c.req.param("id"));
      if (!b) throw notFound("Batch not found", `No batch "${c.req.param("id")}".`);
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
        ("result" in o ? o.result.positive : "").replace(/\s*\n\s*/g, " ")
      );
      return c.body(lines.join("\n") + "\n", 200, {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": `attachment; filename="batch-${b.id.slice(0, 8)}.txt"`,
      });
    });
}
