import { AppError } from "../app/errors.ts";
import { log } from "../app/logger.ts";
import type { ImageJobFailure, ImageJobRequest } from "./image_worker.ts";
import type { PreparedImage, PrepareTasks } from "./prepare_image.ts";

/** Prepares uploads: checks, reads, scales. The app's one is `ImageWorkers`. */
export interface ImageProcessor {
  prepare(bytes: Uint8Array, tasks: PrepareTasks, signal?: AbortSignal): Promise<PreparedImage>;
}

/** How many images are decoded at once, how many may wait, and how long one may take. */
export interface ImageWorkerOptions {
  concurrency?: number;
  maxWaiting?: number;
  timeoutMs?: number;
  /** How long a worker may sit idle before it is ended, in milliseconds. */
  idleMs?: number;
  /** The worker module; tests point it elsewhere to see a crash. */
  workerUrl?: URL;
}

const WORKER_URL = new URL("./image_worker.ts", import.meta.url);

function busy(): AppError {
  return new AppError(
    503,
    "Busy",
    "Too many images are being processed right now; try again in a few seconds.",
    "images_busy",
    { "Retry-After": "5" },
  );
}

function shuttingDown(): AppError {
  return new AppError(
    503,
    "Shutting down",
    "Promptsmith is shutting down; try again once it is running.",
    "shutdown",
  );
}

function aborted(): DOMException {
  return new DOMException("The request was cancelled", "AbortError");
}

/** A started worker and the timer that ends it once it has been idle a while. */
interface Idle {
  worker: Worker;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Runs image jobs in Workers, so a decode of up to 1.5 s of CPU never blocks the server. Starting
 * a Worker blocks the caller's thread too (130–380 ms measured on the loaded test machine, for an
 * empty one), so a worker is kept for the next job and ended after `idleMs` without work, which
 * also gives the codecs' memory back (a WebAssembly memory never shrinks). A job that times out
 * or is cancelled ends its worker. At most `concurrency` jobs run at once; a few more wait; past
 * that the answer is a 503.
 */
export class ImageWorkers implements ImageProcessor {
  readonly #concurrency: number;
  readonly #maxWaiting: number;
  readonly #timeoutMs: number;
  readonly #idleMs: number;
  readonly #url: URL;
  #running = 0;
  #waiting: (() => void)[] = [];
  #idle: Idle[] = [];
  /** Busy workers, with how to fail their job when the pool closes. */
  #busy = new Map<Worker, (err: unknown) => void>();
  #started = 0;
  #closed = false;

  constructor(options: ImageWorkerOptions = {}) {
    this.#concurrency = options.concurrency ?? 2;
    this.#maxWaiting = options.maxWaiting ?? 16;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#idleMs = options.idleMs ?? 20_000;
    this.#url = options.workerUrl ?? WORKER_URL;
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running;
  }

  /** Workers alive now, busy or idle. */
  get workers(): number {
    return this.#busy.size + this.#idle.length;
  }

  /** Workers started since the pool was made. */
  get started(): number {
    return this.#started;
  }

  /** Checks and prepares one image in a worker. */
  async prepare(
    bytes: Uint8Array,
    tasks: PrepareTasks,
    signal?: AbortSignal,
  ): Promise<PreparedImage> {
    await this.#acquire(signal);
    if (this.#closed) {
      this.#release();
      throw shuttingDown();
    }
    try {
      return await this.#run(bytes, tasks, signal);
    } finally {
      this.#release();
    }
  }

  /** Ends every worker, idle or busy (shutdown); jobs in progress and later ones fail. */
  close(): void {
    this.#closed = true;
    for (const idle of this.#idle) {
      clearTimeout(idle.timer);
      idle.worker.terminate();
    }
    this.#idle = [];
    for (const [worker, fail] of this.#busy) {
      worker.terminate();
      fail(shuttingDown());
    }
    this.#busy.clear();
  }

  async #acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw aborted();
    if (this.#running < this.#concurrency) {
      this.#running++;
      return;
    }
    if (this.#waiting.length >= this.#maxWaiting) throw busy();
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener("abort", give);
        resolve();
      };
      const give = () => {
        this.#waiting = this.#waiting.filter((w) => w !== go);
        reject(aborted());
      };
      this.#waiting.push(go);
      signal?.addEventListener("abort", give, { once: true });
    });
  }

  #release(): void {
    const next = this.#waiting.shift();
    // The slot passes straight to the next job, so `running` stays the same.
    if (next) next();
    else this.#running--;
  }

  #take(): Worker {
    const idle = this.#idle.pop();
    let worker: Worker;
    if (idle) {
      clearTimeout(idle.timer);
      worker = idle.worker;
    } else {
      worker = new Worker(this.#url, { type: "module" });
      this.#started++;
    }
    this.#busy.set(worker, () => {});
    return worker;
  }

  #putBack(worker: Worker): void {
    if (!this.#busy.delete(worker)) return; // closed meanwhile
    const idle: Idle = {
      worker,
      timer: setTimeout(() => {
        this.#idle = this.#idle.filter((i) => i !== idle);
        worker.terminate();
      }, this.#idleMs),
    };
    // An idle worker must not keep the process alive.
    Deno.unrefTimer(idle.timer);
    this.#idle.push(idle);
  }

  #end(worker: Worker): void {
    this.#busy.delete(worker);
    worker.terminate();
  }

  #run(bytes: Uint8Array, tasks: PrepareTasks, signal?: AbortSignal): Promise<PreparedImage> {
    const worker = this.#take();
    return new Promise<PreparedImage>((resolve, reject) => {
      const settle = (keep: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        worker.onmessage = null;
        worker.onerror = null;
        if (keep) this.#putBack(worker);
        else this.#end(worker);
      };
      const onAbort = () => {
        settle(false);
        reject(aborted());
      };
      const timer = setTimeout(() => {
        settle(false);
        reject(
          new AppError(
            503,
            "Timeout",
            `The image took longer than ${
              Math.round(this.#timeoutMs / 1000)
            } seconds to process; try a smaller image, or again when the server is less busy.`,
            "image_timeout",
          ),
        );
      }, this.#timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#busy.set(worker, (err) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        reject(err);
      });
      worker.onmessage = (event: MessageEvent<JobReply>) => {
        const data = event.data;
        settle(true);
        if (data.ok) return resolve(data.result);
        if (data.status) {
          return reject(new AppError(data.status, data.title ?? "Error", data.message, data.type));
        }
        reject(workerFailure(data.message));
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        settle(false);
        reject(workerFailure(event.message));
      };
      const request: ImageJobRequest = { bytes, tasks };
      worker.postMessage(request);
    });
  }
}

type JobReply = { ok: true; result: PreparedImage } | ImageJobFailure;

/** A worker that failed in a way no image should cause (a bug, or no memory): a logged 500. */
function workerFailure(detail: string): AppError {
  log("images").error("Image worker failed: {error}", { error: detail });
  return new AppError(
    500,
    "Image processing failed",
    "The image could not be processed because of an internal error; the details are in the log. Try again, or try another image.",
    "image_worker_error",
  );
}
