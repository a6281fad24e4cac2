import { AppError } from "../app/errors.ts";
import { llmTimeout, llmTotalTimeout } from "./errors.ts";
import type { BackendKind } from "./types.ts";

/** Why the watchdog stopped the upstream request when the time ran out. */
class ProgressTimeout extends Error {
  constructor() {
    super("no useful progress within the timeout");
    this.name = "ProgressTimeout";
  }
}

/** Why the watchdog stopped the upstream request when the whole generation took too long. */
class TotalTimeout extends Error {
  constructor() {
    super("the generation took longer than the total time limit");
    this.name = "TotalTimeout";
  }
}

/**
 * Whether text holds anything but white space: a stream of blanks, tabs and line ends is not
 * progress, however fast it flows.
 */
export function hasVisibleText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 0xa0 && c !== 0xfeff) return true;
  }
  return false;
}

/**
 * Aborts an upstream request after `ms` without useful progress, after `totalMs` in all however
 * busy it is (when given), or as soon as the caller's signal aborts. It runs from construction, so connecting counts; the caller decides what progress is
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
  #overTime = false;
  #total: ReturnType<typeof setTimeout> | undefined;
  #callerAborted = false;
  readonly #onCallerAbort = () => {
    this.#callerAborted = true;
    this.#controller.abort(new DOMException("The client went away", "AbortError"));
  };

  /** The total time limit in milliseconds, or undefined for none. */
  readonly totalMs: number | undefined;

  constructor(ms: number, caller?: AbortSignal, totalMs?: number) {
    this.ms = ms;
    this.totalMs = totalMs;
    this.#caller = caller;
    if (caller?.aborted) this.#onCallerAbort();
    else caller?.addEventListener("abort", this.#onCallerAbort, { once: true });
    this.#arm(ms);
    if (totalMs !== undefined) {
      this.#total = setTimeout(() => {
        this.#overTime = true;
        this.#controller.abort(new TotalTimeout());
      }, totalMs);
    }
  }

  /** The signal to give the upstream request: it aborts on timeout or when the caller aborts. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether the time ran out. */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** Whether the total time limit ran out. */
  get overTime(): boolean {
    return this.#overTime;
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
    clearTimeout(this.#total);
    this.#caller?.removeEventListener("abort", this.#onCallerAbort);
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => {
      const idle = performance.now() - this.#last;
      if (this.#controller.signal.aborted) return;
      if (idle < this.ms) return this.#arm(this.ms - idle);
      this.#timedOut = true;
      this.#controller.abort(new ProgressTimeout());
    }, delay);
  }
}

/**
 * What a failed request throws when it was not the server's doing: an `AppError` as it is, the
 * 504 for either time limit, the caller's own abort as it came. Null for anything else, which
 * the client maps in its own words.
 */
export function watchdogError(
  err: unknown,
  watchdog: ProgressWatchdog,
  url: string,
  kind: BackendKind,
): unknown {
  if (err instanceof AppError) return err;
  if (watchdog.overTime || err instanceof TotalTimeout) {
    return llmTotalTimeout(url, kind, (watchdog.totalMs ?? 0) / 1000);
  }
  if (watchdog.timedOut || err instanceof ProgressTimeout) {
    return llmTimeout(url, kind, watchdog.ms / 1000);
  }
  if (watchdog.callerAborted) return err;
  return null;
}
