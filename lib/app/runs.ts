/** One event of a run, numbered so a reconnecting client can say where it stopped. */
export interface RunEvent {
  id: number;
  event: string;
  data: string;
}

/** Emits an event of a run to every connected client. */
export type Emit = (event: string, data: string) => void;

/** The work of a run: it emits events and ends; `signal` aborts when the user stops it. */
export type RunWork = (signal: AbortSignal, emit: Emit) => Promise<void>;

/** Name of the event that always ends a run's stream. */
export const CLOSE_EVENT = "close";

type Listener = (event: RunEvent) => void;

/**
 * Work started by a form post and watched over SSE. It starts at once, so whatever it holds (a
 * generation slot) is given back when it ends, whether or not a page ever opens its stream.
 */
export class Run {
  readonly id: string;
  readonly createdAt: number;
  state: "running" | "finished" = "running";
  readonly events: RunEvent[] = [];
  readonly controller = new AbortController();
  readonly #listeners = new Set<Listener>();
  /** Whether any page has watched it yet. */
  watched = false;

  constructor(id: string, work: RunWork, now: number) {
    this.id = id;
    this.createdAt = now;
    const emit: Emit = (event, data) => this.#emit(event, data);
    work(this.controller.signal, emit)
      .catch(() => {})
      .finally(() => {
        this.state = "finished";
        this.#emit(CLOSE_EVENT, "");
        this.#listeners.clear();
      });
  }

  #emit(event: string, data: string): void {
    const e = { id: this.events.length, event, data };
    this.events.push(e);
    for (const listener of this.#listeners) listener(e);
  }

  /** Subscribes to new events; returns the unsubscribe function. */
  listen(listener: Listener): () => void {
    this.watched = true;
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How many clients are watching. */
  get watchers(): number {
    return this.#listeners.size;
  }

  /** Stops the work and its upstream request. */
  stop(reason?: unknown): void {
    this.controller.abort(reason);
  }
}

/** Options for `RunRegistry`. */
export interface RunRegistryOptions {
  now?: () => number;
  /** How long a finished run is kept for reconnects. */
  ttlMs?: number;
  /** A run nobody has opened within this time is stopped (its page went away). */
  unwatchedMs?: number;
  /** The most runs kept; past it the oldest finished ones go first. */
  maxRuns?: number;
}

/** Keeps the runs of the last few minutes, at most `maxRuns` of them. */
export class RunRegistry {
  readonly #runs = new Map<string, Run>();
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #unwatchedMs: number;
  readonly #maxRuns: number;

  constructor(options: RunRegistryOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#unwatchedMs = options.unwatchedMs ?? 30_000;
    this.#maxRuns = options.maxRuns ?? 500;
  }

  /** Starts new work and returns its run. */
  create(work: RunWork): Run {
    this.#sweep();
    const run = new Run(crypto.randomUUID(), work, this.#now());
    this.#runs.set(run.id, run);
    const timer = setTimeout(() => {
      if (!run.watched) run.stop();
    }, this.#unwatchedMs);
    Deno.unrefTimer(timer);
    return run;
  }

  /** A run by id, if it is still kept. */
  get(id: string): Run | undefined {
    return this.#runs.get(id);
  }

  /** How many runs are kept. */
  get size(): number {
    return this.#runs.size;
  }

  /** Stops every run (at shutdown). */
  stopAll(reason?: unknown): void {
    for (const run of this.#runs.values()) run.stop(reason);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, run] of this.#runs) {
      if (now - run.createdAt > this.#ttlMs && run.watchers === 0) {
        run.stop();
        this.#runs.delete(id);
      }
    }
    // Over the cap: finished runs go first, oldest first (a Map keeps insertion order).
    for (const [id, run] of this.#runs) {
      if (this.#runs.size < this.#maxRuns) break;
      if (run.state === "finished" && run.watchers === 0) this.#runs.delete(id);
    }
    for (const [id, run] of this.#runs) {
      if (this.#runs.size < this.#maxRuns) break;
      run.stop();
      this.#runs.delete(id);
    }
  }
}
