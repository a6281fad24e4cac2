import type { GenerationResult } from "../generate/generation.ts";
import type { CompatOutput } from "./models.ts";

interface Entry {
  result: Promise<GenerationResult>;
  taken: Set<CompatOutput>;
  at: number;
}

/** A generation in progress that another output may take once it is done. */
export interface PendingPair {
  resolve(result: GenerationResult): void;
  /** Ends the entry: whoever waits on it generates for itself. */
  fail(): void;
}

/** Options for `PairCache`. */
export interface PairCacheOptions {
  /** How long a result waits for its other half, in milliseconds. */
  ttlMs?: number;
  /** Most results kept at once; the oldest go first. */
  max?: number;
  now?: () => number;
}

/**
 * Lets the positive and the negative model of one request share one generation. A ComfyUI
 * workflow asks for the two strings with two nodes and the same inputs: the first asks the LLM,
 * the second takes the other half of that reply, so both strings come from one prompt pair (and
 * one history row). Each output takes a result once; asking again generates anew.
 */
export class PairCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: PairCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#max = options.max ?? 64;
    this.#now = options.now ?? Date.now;
  }

  /** The result of the same request for the other output, when that output has not taken it. */
  take(key: string, output: CompatOutput): Promise<GenerationResult> | null {
    this.#prune();
    const entry = this.#entries.get(key);
    if (!entry || entry.taken.has(output)) return null;
    entry.taken.add(output);
    if (entry.taken.size === 2) this.#entries.delete(key);
    return entry.result;
  }

  /** Records a generation for `key` that `output` makes; the other output may take it. */
  start(key: string, output: CompatOutput): PendingPair {
    this.#prune();
    let resolve!: (r: GenerationResult) => void;
    let reject!: (err: unknown) => void;
    const result = new Promise<GenerationResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A waiter that finds the generation failed makes its own; nobody else needs the rejection.
    result.catch(() => {});
    const entry: Entry = { result, taken: new Set([output]), at: this.#now() };
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    let settled = false;
    return {
      resolve: (r) => {
        if (settled) return;
        settled = true;
        resolve(r);
      },
      fail: () => {
        if (settled) return;
        settled = true;
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
        reject(new Error("The generation this result was waiting for did not finish"));
      },
    };
  }

  /** How many results wait for their other half. */
  get size(): number {
    this.#prune();
    return this.#entries.size;
  }

  #prune(): void {
    const oldest = this.#now() - this.#ttlMs;
    for (const [key, entry] of this.#entries) {
      if (entry.at < oldest) this.#entries.delete(key);
    }
  }
}
