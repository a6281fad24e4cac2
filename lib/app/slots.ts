/** Caps how many generations one client may run at once. */
export class ConcurrencyLimiter {
  readonly max: number;
  readonly #active = new Map<string, number>();

  constructor(max: number) {
    this.max = max;
  }

  /** Takes a slot for `key`; returns the release function, or null when the client is at the cap. */
  tryAcquire(key: string): (() => void) | null {
    const n = this.#active.get(key) ?? 0;
    if (n >= this.max) return null;
    this.#active.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#active.get(key) ?? 1) - 1;
      if (left <= 0) this.#active.delete(key);
      else this.#active.set(key, left);
    };
  }
}
