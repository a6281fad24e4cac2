/** Why the watchdog stopped the upstream request when the time ran out. */
export class ProgressTimeout extends Error {
  constructor() {
    super("no useful progress within the timeout");
    this.name = "ProgressTimeout";
  }
}

/**
 * Aborts an upstream request after `ms` without useful progress, or as soon as the caller's signal
 * aborts. It runs from construction, so connecting counts; the caller decides what progress is
 * (keep-alive comments and empty deltas are not). Progress only records a time: the one timer
 * re-arms itself for what is left, so a busy stream costs no timer work per token.
 */
export class ProgressWatchdog {
  readonly ms: number;
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #last = performance.now();
  #timedOut = false;
  #callerAborted = false;
  readonly #onCallerAbort = () => {
    this.#callerAborted = true;
    this.#controller.abort(new DOMException("The client went away", "AbortError"));
  };

  constructor(ms: number, caller?: AbortSignal) {
    this.ms = ms;
    this.#caller = caller;
    if (caller?.aborted) this.#onCallerAbort();
    else caller?.addEventListener("abort", this.#onCallerAbort, { once: true });
    this.#arm(ms);
  }

  /** The signal to give the upstream request: it aborts on timeout or when the caller aborts. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether the time ran out. */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** Whether the caller's own signal ended the request. */
  get callerAborted(): boolean {
    return this.#callerAborted;
  }

  /** Records useful progress, which restarts the time. */
  progress(): void {
    this.#last = performance.now();
  }

  /** Ends the upstream request now (the reply is finished or abandoned). */
  abortUpstream(): void {
    if (!this.#controller.signal.aborted) {
      this.#controller.abort(new DOMException("The reply ended", "AbortError"));
    }
  }

  /** Stops the timer and lets go of the caller's signal. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener("abort", this.#onCallerAbort);
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => {
      const idle = performance.now() - this.#last;
      if (idle < this.ms) return this.#arm(this.ms - idle);
      this.#timedOut = true;
      this.#controller.abort(new ProgressTimeout());
    }, delay);
  }
}
