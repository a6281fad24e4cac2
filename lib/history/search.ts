/** Lower-cases and strips diacritics the way the FTS tokenizer does, so JS and SQL agree. */
export function fold(text: string): string {
  // Plain ASCII (most prompts) needs no Unicode normalization.
  if (!/[^\p{ASCII}]/u.test(text)) return text.toLowerCase();
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/** The words of a search: every one must match; the last may be a prefix (search as you type). */
export interface SearchTerms {
  words: string[];
  /** The FTS5 MATCH expression. */
  match: string;
  /** True when the MATCH is looser than the words and rows must be checked with `matchesAll`. */
  needsFilter: boolean;
}

/** Longest prefix the FTS prefix indexes cover; longer prefixes would be read eagerly. */
const INDEXED_PREFIX = 6;

/** Parses what a user typed. One-letter words are dropped unless nothing else is left. */
export function parseSearch(q: string): SearchTerms | null {
  let words = (fold(q.normalize("NFKC")).match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 12);
  if (words.some((w) => w.length > 1)) words = words.filter((w) => w.length > 1);
  if (!words.length) return null;
  // Prefix indexes cover 2 to 6 letters and are read lazily. A one-letter prefix would read every
  // term, so it is exact; a longer prefix is cut to 6 letters and the rows are checked afterwards.
  const last = words.length - 1;
  const needsFilter = words[last]!.length > INDEXED_PREFIX;
  const match = words.map((w, i) => {
    if (i !== last || w.length === 1) return `"${w}"`;
    return `"${w.slice(0, INDEXED_PREFIX)}"*`;
  }).join(" ");
  return { words, match, needsFilter };
}

/** Whether an entry really contains every word (the last as a prefix). */
export function matchesAll(
  entry: { user_input: string; positive: string },
  words: string[],
): boolean {
  const tokens = new Set([
    ...(fold(entry.user_input).match(WORD) ?? []),
    ...(fold(entry.positive).match(WORD) ?? []),
  ]);
  return words.every((w, i) => {
    if (tokens.has(w)) return true;
    if (i !== words.length - 1) return false;
    for (const t of tokens) if (t.startsWith(w)) return true;
    return false;
  });
}

const WORD = /[\p{L}\p{N}_]+/gu;

function hits(text: string, words: string[]): number {
  let score = 0;
  const tokens = fold(text).match(WORD) ?? [];
  words.forEach((w, i) => {
    const prefix = i === words.length - 1;
    for (const t of tokens) {
      if (t === w) score += 1.5;
      else if (prefix && t.startsWith(w)) score += 1;
    }
  });
  return score / Math.log2(2 + tokens.length / 8);
}

/** Relevance of an entry: matches in the user's own words count three times those in the prompt. */
export function relevance(
  entry: { user_input: string; positive: string },
  words: string[],
): number {
  return 3 * hits(entry.user_input, words) + hits(entry.positive, words);
}

/**
 * A short excerpt around the first match, with `[[` and `]]` around matching words, taken from
 * the user's input when it matches, else from the prompt.
 */
export function snippet(
  entry: { user_input: string; positive: string },
  words: string[],
  span = 16,
): string {
  const source = hits(entry.user_input, words) > 0 ? entry.user_input : entry.positive;
  const isHit = (word: string) => {
    const f = fold(word);
    return words.some((w, i) => f === w || (i === words.length - 1 && f.startsWith(w)));
  };
  const tokens = source.split(/\s+/).filter(Boolean);
  const first = Math.max(0, tokens.findIndex((t) => (t.match(WORD) ?? []).some(isHit)));
  const start = Math.max(0, first - Math.floor(span / 3));
  const body = tokens.slice(start, start + span)
    .map((t) => t.replace(WORD, (w) => (isHit(w) ? `[[${w}]]` : w)))
    .join(" ");
  return `${start > 0 ? "… " : ""}${body}${start + span < tokens.length ? " …" : ""}`;
}
