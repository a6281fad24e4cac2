import { sequentialLatencies } from "./http_client.ts";

/**
 * The searches the benchmarks type, shared so every tool measures the same keystrokes: one-word,
 * two-word, prefix, diacritic, no-hit and one-letter queries over the seeded history.
 */
export const SEARCH_QUERIES = [
  "lighthouse",
  "samurai rain",
  "cafe",
  "Zürich",
  "drag",
  "highly detailed",
  "neon cinematic wa",
  "nothingmatches",
  "a",
];

/** Every prefix of every query, as typed, leaving out the blank ones (a space just typed). */
export function typedPrefixes(queries: readonly string[]): string[] {
  return queries.flatMap((q) => Array.from({ length: q.length }, (_, i) => q.slice(0, i + 1)))
    .filter((q) => q.trim());
}

/**
 * Milliseconds per search of `typed`, sent as `GET /history?q=…` on one connection: one whole pass
 * measured on its own (V8 compiles the search code during it), then `rounds` passes. No warm-up of
 * the first few searches: they would still be kept when measured, and answered from the cache.
 */
export async function typedSearchLatencies(
  port: number,
  typed: readonly string[],
  rounds: number,
): Promise<{ firstPass: number[]; rounds: number[] }> {
  const paths = typed.map((q) => `/history?q=${encodeURIComponent(q)}`);
  const firstPass = await sequentialLatencies(port, paths, 0);
  const measured = await sequentialLatencies(
    port,
    Array.from({ length: rounds }, () => paths).flat(),
    0,
  );
  return { firstPass, rounds: measured };
}
