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
