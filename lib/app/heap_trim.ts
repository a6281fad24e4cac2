/**
 * Native memory given back after a burst of generations. glibc keeps memory freed by the
 * runtime's buffers in its heap (a hundred concurrent streams leave about 13 MB there, measured
 * with `malloc_trim` from gdb), so the resident size stays near its peak; `malloc_trim(0)` hands
 * the free pages back. Linux with glibc only, and only with the FFI permission; elsewhere it
 * does nothing.
 */

/** Calls glibc's `malloc_trim(0)`; false where that cannot be done. */
export function mallocTrim(): boolean {
  if (Deno.build.os !== "linux") return false;
  try {
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return false;
    // Opened for the call and closed at once: libc is loaded already, so this costs microseconds,
    // and no library handle outlives the call.
    const libc = Deno.dlopen("libc.so.6", {
      malloc_trim: { parameters: ["usize"], result: "i32" },
    });
    try {
      libc.symbols.malloc_trim(0n);
    } finally {
      libc.close();
    }
    return true;
  } catch {
    // musl, a libc without the symbol, or a sandbox that refuses: nothing to give back this way.
    return false;
  }
}

/**
 * Trims once generations have been quiet for `delayMs`: each `quiet()` (the last generation
 * ended) restarts the wait, and `busy()` (one started) cancels it, so a steady stream of work
 * never pays for a trim.
 */
export class HeapTrimmer {
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #delayMs: number;
  readonly #trim: () => unknown;
  #enabled = true;

  constructor(options: { delayMs?: number; trim?: () => boolean } = {}) {
    this.#delayMs = options.delayMs ?? 10_000;
    const trim = options.trim ?? mallocTrim;
    // Where the first trim cannot be done, none can: stop scheduling.
    this.#trim = () => {
      if (!trim()) this.#enabled = false;
    };
  }

  /** The last generation ended: trim after the quiet delay. */
  quiet(): void {
    if (!this.#enabled) return;
    clearTimeout(this.#timer);
    const timer = setTimeout(() => {
      this.#timer = undefined;
      this.#trim();
    }, this.#delayMs);
    // A pending trim never keeps the process alive.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** A generation started: a pending trim waits for the next quiet. */
  busy(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Cancels a pending trim (at shutdown). */
  close(): void {
    this.busy();
    this.#enabled = false;
  }
}
