import type { OllamaClient } from "./ollama.ts";
import { AppError } from "./errors.ts";

/** Installed models for the page, or the reason there are none, with what to run. */
export interface ModelListing {
  names: string[];
  reachable: boolean;
  notice?: string;
}

/** Caches `/api/tags` for a few seconds so page loads never wait on Ollama twice. */
export class ModelList {
  #client: OllamaClient;
  #ttlMs: number;
  #cached: { at: number; listing: ModelListing } | null = null;
  #now: () => number;

  constructor(client: OllamaClient, options: { ttlMs?: number; now?: () => number } = {}) {
    this.#client = client;
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#now = options.now ?? Date.now;
  }

  /** The listing, fresh or from the last few seconds. */
  async get(defaultModel: string): Promise<ModelListing> {
    if (this.#cached && this.#now() - this.#cached.at < this.#ttlMs) return this.#cached.listing;
    let listing: ModelListing;
    try {
      const models = await this.#client.tags(AbortSignal.timeout(1500));
      const names = models.map((m) => m.name);
      listing = names.length
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
      listing = {
        names: [],
        reachable: false,
        notice: `${why} Until then, prompts are composed without an LLM.`,
      };
    }
    this.#cached = { at: this.#now(), listing };
    return listing;
  }
}
