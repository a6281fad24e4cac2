import { badInput } from "../app/errors.ts";
import type { Requester, Slot } from "../app/slots.ts";
import {
  type GenerationPlan,
  type OneShotRequest,
  type PlanContext,
  planOneShot,
} from "../prompt/plans.ts";
import { canFallBack, composeResult, generateOnce } from "../generate/generation.ts";
import type { GenerateDeps } from "../generate/generate.ts";
import {
  type BatchItem,
  type BatchOutcome,
  type BatchRecord,
  type BatchRegistry,
  type BatchResult,
  expandBatch,
  runBatch,
} from "./batch.ts";

/** A batch as asked: `inputs`, or `input` with `variations` or `sweep`, plus shared fields. */
export interface BatchRequest extends Omit<OneShotRequest, "input"> {
  inputs?: string[];
  input?: string;
  variations?: number;
  sweep?: Record<string, string[]>;
  concurrency?: number;
  engine?: "ollama" | "composer";
  /** Plan only: nothing is sent or saved. */
  dry_run?: boolean;
}

/** What a batch touches: plans, generation with its slots, and the batch registry. */
export interface BatchDeps extends GenerateDeps {
  planContext: PlanContext;
  batches: BatchRegistry<BatchResult>;
}

/** The end of a batch's event stream. */
export interface BatchDone {
  done: true;
  batch_id: string;
  total: number;
  succeeded: number;
  failed: number;
  cancelled: boolean;
}

/** A batch's events: first `{batch_id, total}`, then each item's outcome, then the summary. */
export type BatchEvent =
  | { batch_id: string; total: number }
  | BatchOutcome<BatchResult>
  | BatchDone;

/**
 * Plans every item of a batch, in order (so a bad preset fails the request, not item 37); what a
 * `dry_run` shows, and what `startBatch` runs.
 */
export function planBatch(
  ctx: PlanContext,
  body: BatchRequest,
): { items: BatchItem[]; plans: Map<number, GenerationPlan> } {
  if (body.inputs && body.input) throw badInput("inputs: send either inputs or input, not both");
  if (body.variations && body.sweep) {
    throw badInput("variations: send either variations or sweep, not both");
  }
  const items = expandBatch(body);
  const {
    inputs: _i,
    variations: _v,
    sweep: _s,
    concurrency: _c,
    engine: _e,
    input: _in,
    dry_run: _d,
    ...shared
  } = body;
  const plans = new Map<number, GenerationPlan>();
  for (const item of items) {
    const plan = planOneShot(ctx, {
      ...shared,
      ...item.overrides,
      input: item.input,
    } as OneShotRequest);
    plan.mode = "batch";
    plans.set(item.index, plan);
  }
  return { items, plans };
}

/**
 * Plans every item (so a bad preset fails the request, not item 37) and returns the batch's
 * record and its events. The batch takes one generation slot on the first read of its events
 * and gives it back however they end.
 */
export function startBatch(
  deps: BatchDeps,
  body: BatchRequest,
  options: {
    requester: Requester;
    signal?: AbortSignal;
    /** Compose an item without the LLM when the LLM server cannot be reached. */
    fallback?: boolean;
  },
): { record: BatchRecord<BatchResult>; events: AsyncGenerator<BatchEvent> } {
  const { items, plans } = planBatch(deps.planContext, body);
  const record = deps.batches.create(items.length);
  const run = async (item: BatchItem, signal: AbortSignal): Promise<BatchResult> => {
    const plan = plans.get(item.index)!;
    const result = body.engine === "composer"
      ? composeResult(deps, plan)
      : await generateOnce(deps, plan, signal).catch((err) => {
        if (options.fallback && canFallBack(err)) {
          return composeResult(deps, plan, (err as Error).message);
        }
        throw err;
      });
    return {
      input: plan.idea,
      seed: plan.options.seed ?? null,
      positive: result.positive,
      negative: result.negative,
      engine: result.engine,
      ...(result.fallback_reason ? { fallback_reason: result.fallback_reason } : {}),
      history_id: result.history_id,
      ...(result.not_saved ? { not_saved: result.not_saved } : {}),
      result: result.result,
    };
  };
  async function* events(): AsyncGenerator<BatchEvent> {
    let slot: Slot | undefined;
    const stop = () => record.controller.abort(slot?.signal.reason);
    try {
      slot = deps.slots.acquire(options.requester, options.signal);
      slot.signal.addEventListener("abort", stop, { once: true });
      yield { batch_id: record.id, total: items.length };
      let succeeded = 0;
      const runOptions = { concurrency: body.concurrency ?? 1, signal: record.controller.signal };
      for await (const outcome of runBatch(items, run, runOptions)) {
        record.outcomes.push(outcome);
        if ("result" in outcome) succeeded++;
        yield outcome;
      }
      yield {
        done: true,
        batch_id: record.id,
        total: items.length,
        succeeded,
        failed: record.outcomes.length - succeeded,
        cancelled: record.controller.signal.aborted,
      };
    } finally {
      record.finished = true;
      slot?.signal.removeEventListener("abort", stop);
      slot?.release();
    }
  }
  return { record, events: events() };
}
