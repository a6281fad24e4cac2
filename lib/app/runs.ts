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

/** A generation started by a form post and watched over SSE; it runs at most once. */
export class Run {
  readonly id: string;
  readonly createdAt: number;
  state: "pending" | "running" | "finished" = "pending";
  readonly events: RunEvent[] = [];
  readonly controller = new AbortController();
  readonly #listeners = new Set<Listener>();
  readonly #work: RunWork;

  constructor(id: string, work: RunWork, now: number) {
    this.id = id;
    this.#work = work;
    this.createdAt = now;
  }

  /** Starts the work if nobody has; later calls do nothing, so reconnects never start it twice. */
  start(): void {
    if (this.state !== "pending") return;
    this.state = "running";
    const emit: Emit = (event, data) => this.#emit(event, data);
    this.#work(this.controller.signal, emit)
      .catch(() => {})
      .finally(() => {
        this.state = "finished";
        this.#emit(CLOSE_EVENT, "");
      });
  }

  #emit(event: string, data: string): void {
    const e = { id: this.events.length, event, data };
    this.events.push(e);
    for (const listener of this.#listeners) listener(e);
  }

  /** Subscribes to new events; returns the unsubscribe function. */
  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How many clients are watching. */
  get watchers(): number {
    return this.#listeners.size;
  }

  /** Stops the work and its upstream request. */
  stop(): void {
    this.controller.abort();
  }
}

/** Keeps the runs of the last few minutes; old ones are dropped as new ones arrive. */
export class RunRegistry {
  readonly #runs = new Map<string, Run>();
  readonly #now: () => number;
  readonly #ttlMs: number;

  constructor(options: { now?: () => number; ttlMs?: number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
  }

  /** Registers new work and returns its run, not yet started. */
  create(work: RunWork): Run {
    this.#sweep();
    const id = crypto.randomUUID();
    const run = new Run(id, work, this.#now());
    this.#runs.set(id, run);
    return run;
  }

  /** A run by id, if it is still kept. */
  get(id: string): Run | undefined {
    return this.#runs.get(id);
  }

  /** Stops every run (at shutdown). */
  stopAll(): void {
    for (const run of this.#runs.values()) run.stop();
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, run] of this.#runs) {
      if (now - run.createdAt > this.#ttlMs && run.watchers === 0) {
        run.stop();
        this.#runs.delete(id);
      }
    }
  }
}
