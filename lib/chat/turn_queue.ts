/** Longest a turn may hold its conversation, whatever happens to the code that took it. */
export const MAX_TURN_HOLD_MS = 15 * 60_000;

/**
 * Chat turns of one conversation, one after another: a turn reads the conversation only once the
 * turn before it is stored, so a second message sent while a reply streams waits for it instead
 * of starting from a context that misses it.
 */
export class TurnQueue {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #maxHoldMs: number;

  constructor(options: { maxHoldMs?: number } = {}) {
    this.#maxHoldMs = options.maxHoldMs ?? MAX_TURN_HOLD_MS;
  }

  /**
   * Waits for the turns ahead in `key`'s queue and returns this turn's release (safe to call
   * more than once). Aborting `signal` while waiting leaves the queue and throws the abort.
   */
  async enter(key: string, signal?: AbortSignal): Promise<() => void> {
    const ahead = this.#tails.get(key) ?? Promise.resolve();
    let open!: () => void;
    const mine = new Promise<void>((resolve) => open = resolve);
    const tail = ahead.then(() => mine);
    this.#tails.set(key, tail);
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    const hold = {
      released: false,
      entered: false,
      timer: undefined as ReturnType<typeof setTimeout> | undefined,
    };
    const release = () => {
      if (hold.released) return;
      hold.released = true;
      clearTimeout(hold.timer);
      open();
      // Last in line and past the wait: nothing is ahead any more, so the queue is empty now.
      if (hold.entered && this.#tails.get(key) === tail) this.#tails.delete(key);
    };
    if (signal) {
      signal.throwIfAborted();
      let onAbort = () => {};
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
      });
      try {
        await Promise.race([ahead, aborted]);
      } catch (err) {
        release();
        throw err;
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    } else {
      await ahead;
    }
    hold.entered = true;
    hold.timer = setTimeout(release, this.#maxHoldMs);
    Deno.unrefTimer(hold.timer as unknown as number);
    return release;
  }

  /** How many conversations have a turn running or waiting. */
  get busy(): number {
    return this.#tails.size;
  }
}
