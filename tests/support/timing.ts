/** Milliseconds this thread has spent on a CPU (Linux), or null where that is not known. */
export function onCpuMs(): number | null {
  try {
    return Number(Deno.readTextFileSync("/proc/thread-self/schedstat").split(" ")[0]) / 1e6;
  } catch {
    return null;
  }
}

/** One timed run: wall-clock time and, where known, time on the CPU, in milliseconds. */
export interface Timing {
  wall: number;
  cpu: number | null;
}

/** Times one run of `work` (after one warm-up run). */
export async function timeOnce(work: () => unknown | Promise<unknown>): Promise<Timing> {
  await work();
  const cpu0 = onCpuMs();
  const t0 = performance.now();
  await work();
  const wall = performance.now() - t0;
  const cpu1 = onCpuMs();
  return { wall, cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

/**
 * Whether `work` can finish within `budgetMs`. The cores are shared with other test files, so a
 * run that was only descheduled (a long wall time, a short time on the CPU) counts as in budget,
 * and a slow run is tried again a few times; a super-linear algorithm fails every attempt.
 */
export async function withinBudget(
  work: () => unknown | Promise<unknown>,
  budgetMs: number,
  attempts = 6,
): Promise<{ ok: boolean; last: Timing }> {
  let last: Timing = { wall: Infinity, cpu: null };
  for (let i = 0; i < attempts; i++) {
    if (i) await new Promise((resolve) => setTimeout(resolve, 20));
    last = await timeOnce(work);
    if (last.wall < budgetMs || (last.cpu !== null && last.cpu < budgetMs)) {
      return { ok: true, last };
    }
  }
  return { ok: false, last };
}

/** A timing as a test message. */
export function describeTiming(t: Timing): string {
  return `${t.wall.toFixed(1)} ms wall, ${t.cpu === null ? "?" : t.cpu.toFixed(1)} ms on CPU`;
}
