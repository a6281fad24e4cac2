import type { LlmBackend } from "./types.ts";
import { AppError } from "../app/errors.ts";

/** Installed models for the page, or the reason there are none, with what to run. */
export interface ModelListing {
  names: string[];
  reachable: boolean;
  notice?: string;
}

/**
 * Caches the server's model listing for a few seconds. Once anything is known, a page gets it at
 * once and a stale listing is refreshed behind it, so a slow or hung server delays at most the
 * very first page.
 */
export class ModelList {
  #client: Pick<LlmBackend, "tags" | "kind">;
  #ttlMs: number;
  #cached: { at: number; listing: ModelListing } | null = null;
  #inflight: Promise<ModelListing> | null = null;
  #now: () => number;

  constructor(
    client: Pick<LlmBackend, "tags" | "kind">,
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
    const listing: ModelListing = reachable ? { names: known?.names ?? [], reachable: true } : {
      names: known?.names ?? [],
      reachable: false,
      notice: reason ?? "The LLM server did not answer.",
    };
    // A generation is fresher than any listing: keep it until the usual refresh.
    this.#cached = { at: this.#now(), listing };
    if (reachable) this.#cached.at = -Infinity;
  }

  /** One look at the server at a time, however many pages ask. */
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
      // Read after the listing: with LLM_BACKEND=auto, that is when the kind becomes known.
      const ollama = this.#client.kind === "ollama";
      if (!names.length) {
        return {
          names: [],
          reachable: true,
          notice: ollama
            ? `Ollama has no models yet: run "ollama pull ${defaultModel}" (or any model), then reload.`
            : `The LLM server lists no models: load one there (LM Studio: load a model; ` +
              `llama-server and vLLM serve the one they were started with), then reload.`,
        };
      }
      const known = names.includes(defaultModel) || names.includes(`${defaultModel}:latest`);
      return {
        names,
        reachable: true,
        notice: known
          ? undefined
          : ollama
          ? `The default model ${defaultModel} is not installed; pick another or run "ollama pull ${defaultModel}".`
          : `The default model ${defaultModel} is not one the LLM server lists; pick another, ` +
            `or set LLM_MODEL to one it lists.`,
      };
    } catch (err) {
      const why = err instanceof AppError ? err.message : "The LLM server did not answer.";
      return {
        names: [],
        reachable: false,
        notice: why,
      };
    }
  }
}
