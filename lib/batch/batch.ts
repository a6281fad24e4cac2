import { badInput } from "../app/errors.ts";

/** One finished item as the stream and export give it. */
export interface BatchResult {
  input: string;
  seed: number | null;
  positive: string;
  negative: string | null;
  engine: string;
  /** Why the composer wrote it instead of the LLM, when it did. */
  fallback_reason?: string;
  history_id: number | null;
  /** The disk was full: the item was not saved (see `GenerationResult.not_saved`). */
  not_saved?: { type: "storage_full"; message: string };
  result: string;
}

/** Largest number of generations one batch may hold. */
export const MAX_BATCH = 100;

/** One generation of a batch: the idea and what differs from the batch's shared fields. */
export interface BatchItem {
  index: number;
  input: string;
  /** Fields that override the shared request for this item (a seed, a swept preset). */
  overrides: Record<string, unknown>;
  /** A short human label, e.g. `lighting=Golden Hour, style=Anime`. */
  label: string;
}

/** The three ways to ask for a batch. */
export interface BatchSpec {
  inputs?: string[];
  input?: string;
  variations?: number;
  sweep?: Record<string, string[]>;
  seed?: number;
}

/** Preset fields a sweep may vary. */
export const SWEEP_FIELDS = ["style", "artist", "composition", "lighting"] as const;

/** An idea as an item's label: its first words, on one line. */
function shortLabel(idea: string): string {
  const line = idea.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/** Turns a batch request into its items; too many or an empty batch is a 400. */
export function expandBatch(spec: BatchSpec): BatchItem[] {
  const items: BatchItem[] = [];
  if (spec.inputs) {
    spec.inputs.forEach((input, i) =>
      items.push({ index: i, input, overrides: {}, label: shortLabel(input) })
    );
  } else if (spec.input && spec.sweep) {
    const keys = Object.keys(spec.sweep);
    let combos: Record<string, string>[] = [{}];
    for (const key of keys) {
      const values = spec.sweep[key]!;
      combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
      if (combos.length > MAX_BATCH) {
        throw badInput(`sweep: ${combos.length}+ combinations; at most ${MAX_BATCH} per batch`);
      }
    }
    combos.forEach((combo, i) =>
      items.push({
        index: i,
        input: spec.input!,
        overrides: combo,
        label: Object.entries(combo).map(([k, v]) => `${k}=${v}`).join(", "),
      })
    );
  } else if (spec.input) {
    const n = spec.variations ?? 1;
    const base = spec.seed ?? Math.floor(Math.random() * 2 ** 30);
    for (let i = 0; i < n; i++) {
      items.push({
        index: i,
        input: spec.input,
        overrides: { seed: base + i },
        label: `variation ${i + 1} of ${n}, seed ${base + i}`,
      });
    }
  }
  if (!items.length) {
    throw badInput("inputs: send inputs: [...], or input with variations or sweep");
  }
  if (items.length > MAX_BATCH) {
    throw badInput(`inputs: ${items.length} items; at most ${MAX_BATCH} per batch`);
  }
  return items;
}

/** What one item produced. */
export type BatchOutcome<R> =
  | { index: number; total: number; label: string; result: R }
  | { index: number; total: number; label: string; error: { message: string; type: string } };

/**
 * Runs items with at most `concurrency` at once, yielding each outcome as it finishes. A failed
 * item is reported and the rest go on; aborting `signal` stops starting new items.
 */
export async function* runBatch<R>(
  items: BatchItem[],
  run: (item: BatchItem, signal: AbortSignal) => Promise<R>,
  options: { concurrency: number; signal: AbortSignal },
): AsyncGenerator<BatchOutcome<R>> {
  const total = items.length;
  const queue = [...items];
  const done: BatchOutcome<R>[] = [];
  let wake: (() => void) | null = null;
  let active = 0;
  const start = () => {
    while (active < options.concurrency && queue.length && !options.signal.aborted) {
      const item = queue.shift()!;
      active++;
      run(item, options.signal).then(
        (result) => done.push({ index: item.index, total, label: item.label, result }),
        (err) =>
          done.push({
            index: item.index,
            total,
            label: item.label,
            error: {
              message: err instanceof Error ? err.message : String(err),
              type: (err as { type?: string }).type ?? "unexpected_error",
            },
          }),
      ).finally(() => {
        active--;
        wake?.();
      });
    }
  };
  start();
  while (active > 0 || done.length) {
    if (!done.length) await new Promise<void>((r) => (wake = r));
    wake = null;
    while (done.length) yield done.shift()!;
    start();
  }
}

/** A batch kept in memory for its progress, cancel and export. */
export interface BatchRecord<R> {
  id: string;
  total: number;
  outcomes: BatchOutcome<R>[];
  controller: AbortController;
  finished: boolean;
  createdAt: number;
}

/** The batches of the last hour, for `GET /api/batches/:id`, cancel and export. */
export class BatchRegistry<R> {
  readonly #batches = new Map<string, BatchRecord<R>>();

  /** Registers a new batch. */
  create(total: number): BatchRecord<R> {
    const now = Date.now();
    for (const [id, b] of this.#batches) {
      if (b.finished && now - b.createdAt > 3_600_000) this.#batches.delete(id);
    }
    const record: BatchRecord<R> = {
      id: crypto.randomUUID(),
      total,
      outcomes: [],
      controller: new AbortController(),
      finished: false,
      createdAt: now,
    };
    this.#batches.set(record.id, record);
    return record;
  }

  /** A batch by id. */
  get(id: string): BatchRecord<R> | undefined {
    return this.#batches.get(id);
  }

  /** Cancels every running batch (at shutdown). */
  cancelAll(): void {
    for (const b of this.#batches.values()) b.controller.abort();
  }
}
