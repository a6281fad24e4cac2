import { AppError } from "./errors.ts";

/** Who asks for a generation: a key of its own and the address it comes from. */
export interface Requester {
  /** The signed session when we issued one, else the peer address. */
  key: string;
  /** The peer address; several keys from one address share a larger ceiling. */
  address: string;
}

/**
 * One generation in progress: it holds a place in its client's cap until `release`, and its
 * `signal` aborts when the caller's signal does, when the slot is aborted, or at shutdown.
 */
export interface Slot {
  readonly signal: AbortSignal;
  /** Aborts the work that holds this slot (a Stop button, a client that went away). */
  abort(reason?: unknown): void;
  /** Gives the place back; later calls do nothing. */
  release(): void;
}

/** Options for `GenerationSlots`. */
export interface SlotOptions {
  /** Concurrent generations per requester key. */
  perKey: number;
  /** Concurrent generations per peer address, whatever keys it presents (default 4 × perKey). */
  perAddress?: number;
  /** Called when a generation starts while none ran. */
  onBusy?: () => void;
  /** Called when the last generation running ends. */
  onQuiet?: () => void;
}

/**
 * The one generation-slot policy: every entry point takes a slot when its work starts and gives
 * it back on every path. The per-address ceiling keeps a client that collects many sessions from
 * running more than a few clients' worth.
 */
export class GenerationSlots {
  readonly perKey: number;
  readonly perAddress: number;
  readonly #byKey = new Map<string, number>();
  readonly #byAddress = new Map<string, number>();
  readonly #active = new Set<AbortController>();
  readonly #onBusy?: () => void;
  readonly #onQuiet?: () => void;

  constructor(options: SlotOptions) {
    this.perKey = options.perKey;
    this.perAddress = options.perAddress ?? options.perKey * 4;
    this.#onBusy = options.onBusy;
    this.#onQuiet = options.onQuiet;
  }

  /** Takes a slot for the requester, or throws a 429 that says to wait. */
  acquire(who: Requester, signal?: AbortSignal): Slot {
    const forKey = this.#byKey.get(who.key) ?? 0;
    const forAddress = this.#byAddress.get(who.address) ?? 0;
    if (forKey >= this.perKey || forAddress >= this.perAddress) throw this.#busy();
    this.#byKey.set(who.key, forKey + 1);
    this.#byAddress.set(who.address, forAddress + 1);
    const controller = new AbortController();
    if (this.#active.size === 0) this.#onBusy?.();
    this.#active.add(controller);
    const follow = () => controller.abort(signal?.reason);
    if (signal?.aborted) follow();
    else signal?.addEventListener("abort", follow, { once: true });
    let released = false;
    return {
      signal: controller.signal,
      abort: (reason) => controller.abort(reason),
      release: () => {
        if (released) return;
        released = true;
        signal?.removeEventListener("abort", follow);
        this.#active.delete(controller);
        decrement(this.#byKey, who.key);
        decrement(this.#byAddress, who.address);
        if (this.#active.size === 0) this.#onQuiet?.();
      },
    };
  }

  /** Throws the 429 when the requester could not take a slot now. */
  check(who: Requester): void {
    if (!this.available(who)) throw this.#busy();
  }

  /** Whether the requester could take a slot now. */
  available(who: Requester): boolean {
    return (this.#byKey.get(who.key) ?? 0) < this.perKey &&
      (this.#byAddress.get(who.address) ?? 0) < this.perAddress;
  }

  /** Slots held right now, in all or by one key. */
  held(key?: string): number {
    return key === undefined ? this.#active.size : this.#byKey.get(key) ?? 0;
  }

  /** Aborts every generation in progress, e.g. at shutdown with the reason clients are told. */
  abortAll(reason: unknown): void {
    for (const c of this.#active) c.abort(reason);
  }

  #busy(): AppError {
    return new AppError(
      429,
      "Too many generations",
      `You already have ${this.perKey} generations running; wait for one to finish, then try again.`,
      "too_many_requests",
      { "Retry-After": "5" },
    );
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const left = (map.get(key) ?? 1) - 1;
  if (left <= 0) map.delete(key);
  else map.set(key, left);
}
