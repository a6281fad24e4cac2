import { historyUnavailable } from "./store.ts";

/**
 * A store kept in the app database, which may not have opened: `use()` gives the store or throws
 * the one 503 that says why, so every caller guards it the same way.
 */
export class StoreHandle<T> {
  readonly #value: T | null;
  readonly #problem: string;

  constructor(value: T | null, problem: string | null = null) {
    this.#value = value;
    this.#problem = problem ?? "it is not open";
  }

  /** The store, or the 503 `history_unavailable` error. */
  use(): T {
    if (this.#value === null) throw historyUnavailable(this.#problem);
    return this.#value;
  }

  /** The store, or null where a missing store simply means "nothing to show". */
  peek(): T | null {
    return this.#value;
  }

  /** Why the store is unavailable, or null when it is fine. */
  get problem(): string | null {
    return this.#value === null ? this.#problem : null;
  }
}
