import type { LlmClient } from "./types.ts";
import { AppError } from "../app/errors.ts";

/** Installed models for the page, or the reason there are none, with what to run. */
export interface ModelListing {
  names: string[];
  reachable: boolean;
  notice?: string;
}

/**
 * Caches `/api/tags` for a few seconds. Once anything is known, a page gets it at once and a stale
 * listing is refreshed behind it, so a slow or hung Ollama delays at most the very first page.
 */
export class ModelList {
  #client: Pick<LlmClient, "tags">;
  #ttlMs: number;
  #cached: { at: number; listing: ModelListing } | null = null;
  #inflight: Promise<ModelListing> | null = null;
  #now: () => number;

  constructor(
    client: Pick<LlmClient, "tags">,
    options: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.#client = client;
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#now = options.now ?? Date.now;
  }

  /** The listing: fresh, from the last few seconds, or (while a refresh runs) the last known. */
  async get(defaultModel: string): Promise<ModelListing> {
    const cached = this.#cached;
    if (cached && this.#now() - cached.at < this.#ttlMs) return cached.listing;
    const refresh = this.#refresh(defaultModel);
    if (cached) return cached.listing;
    return await refresh;
  }

  /**
   * Records what a generation just found (Ollama gone, or back), so the next page says the same
   * as the result did instead of a listing from a few seconds before.
   */
  noteReachable(reachable: boolean, reason?: string): void {
    const known = this.#cached?.listing;
    if (known?.reachable === reachable) return;
    const listing: ModelListing = reachable
      ? { names: known?.names ?? [], reachable: true }
      : { names: known?.names ?? [], reachable: false, notice: reason ?? "Ollama did not answer." };
    // A generation is fresher than any listing: keep it until the usual refresh.
    this.#cached = { at: this.#now(), listing };
    if (reachable) this.#cached.at = -Infinity;
  }

  /** One look at Ollama at a time, however many pages ask. */
  #refresh(defaultModel: string): Promise<ModelListing> {
    this.#inflight ??= this.#fetch(defaultModel).then((listing) => {
      this.#cached = { at: this.#now(), listing };
      return listing;
    }).finally(() => this.#inflight = null);
    return this.#inflight;
  }

  async #fetch(defaultModel: string): Promise<ModelListing> {
    try {
      const models = await this.#client.tags(AbortSignal.timeout(1500));
      const names = models.map((m) => m.name);
      return names.length
        ? {
          names,
          reachable: true,
          notice: names.includes(defaultModel) || names.includes(`${defaultModel}:latest`)
            ? undefined
            : `The default model ${defaultModel} is not installed; pick another or run "ollama pull ${defaultModel}".`,
        }
        : {
          names: [],
          reachable: true,
          notice:
            `Ollama has no models yet: run "ollama pull ${defaultModel}" (or any model), then reload.`,
        };
    } catch (err) {
      const why = err instanceof AppError ? err.message : "Ollama did not answer.";
      return {
        names: [],
        reachable: false,
        notice: why,
      };
    }
  }
}
