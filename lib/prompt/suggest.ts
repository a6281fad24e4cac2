/** Longest name compared; anything longer is not a near miss of a preset name. */
const MAX_LEN = 100;

/** British spellings people type for names we spell the American way. */
const SPELLINGS: [RegExp, string][] = [
  [/colour/g, "color"],
  [/grey/g, "gray"],
  [/centre/g, "center"],
  [/isation/g, "ization"],
];

function normal(name: string): string {
  let out = name.toLowerCase();
  for (const [from, to] of SPELLINGS) out = out.replace(from, to);
  return out.replace(/[^a-z0-9]/g, "");
}

/** Edit distance, stopping early once it exceeds `limit` (inputs are at most `MAX_LEN`). */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      best = Math.min(best, row[j]!);
    }
    if (best > limit) return limit + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known name a mistyped one most likely meant: same letters ignoring case, spaces and
 * British spelling, else the closest within a couple of edits; undefined when nothing is close.
 */
export function closestName(given: string, known: Iterable<string>): string | undefined {
  if (!given || given.length > MAX_LEN) return undefined;
  const wanted = normal(given);
  if (!wanted) return undefined;
  const limit = Math.max(1, Math.min(3, Math.floor(wanted.length / 4)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of known) {
    if (name.length > MAX_LEN) continue;
    const d = distance(wanted, normal(name), bestDistance - 1);
    if (d === 0) return name;
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** " Did you mean "X"?" for a message, or "" when nothing is close. */
export function didYouMean(given: string, known: Iterable<string>): string {
  const name = closestName(given, known);
  return name ? ` Did you mean "${name}"?` : "";
}
