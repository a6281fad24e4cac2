/** Any character outside ASCII (one pattern object, not one per call). */
const NON_ASCII = /[^\p{ASCII}]/u;

/** Lower-cases and strips diacritics the way the FTS tokenizer does, so JS and SQL agree. */
export function fold(text: string): string {
  // Plain ASCII (most prompts) needs no Unicode normalization.
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  // Composed again afterwards: kana with voicing marks and Hangul syllables stay whole, as the
  // index keeps them.
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").normalize("NFC").toLowerCase();
}

/**
 * Scripts written without spaces between words: the tokenizer would index a whole run as one
 * word, so each character is made a word of its own and a search for a word inside the run is
 * a phrase of its characters.
 */
const UNSPACED =
  "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\p{Script=Thai}" +
  "\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}";
/** One character the index keeps as a word of its own: an unspaced-script letter or an emoji. */
const OWN_WORD = new RegExp(`[${UNSPACED}]|\\p{Extended_Pictographic}`, "gu");
/** What joins or dresses an emoji (joiner, variation selectors, skin tones): not searched. */
const EMOJI_PARTS = /[\u200d\ufe0e\ufe0f\u{1F3FB}-\u{1F3FF}]/gu;
const IS_EMOJI = /^\p{Extended_Pictographic}$/u;
/** Emoji are indexed as private-use words (the tokenizer drops some emoji and keeps others). */
const EMOJI_MARK = "\ue000";

/**
 * Text as the full-text index reads it (the database calls this on every row it indexes): each
 * character of an unspaced script a word of its own, each emoji a word the tokenizer keeps.
 */
export function searchText(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  return text.replace(EMOJI_PARTS, "").replace(
    OWN_WORD,
    (ch) => IS_EMOJI.test(ch) ? ` ${EMOJI_MARK}${ch.codePointAt(0)!.toString(16)} ` : ` ${ch} `,
  );
}

/** Whether a search word is matched as a run of characters (CJK, Thai…, emoji), not a token. */
function isRun(word: string): boolean {
  OWN_WORD.lastIndex = 0;
  return OWN_WORD.test(word);
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

/** Matches nothing: an FTS phrase without words. */
const NOTHING = '""';

/**
 * Parses what a user typed. One-letter words are dropped unless nothing else is left (a
 * character of an unspaced script or an emoji is a word however short). A search of nothing but
 * white space is no search (null); one of symbols only finds nothing, never every row.
 */
export function parseSearch(q: string): SearchTerms | null {
  if (!q.trim()) return null;
  const folded = fold(q.normalize("NFKC")).replace(EMOJI_PARTS, "");
  let words = (folded.match(SEARCH_WORD) ?? []).slice(0, 12);
  if (words.some((w) => w.length > 1 || isRun(w))) {
    words = words.filter((w) => w.length > 1 || isRun(w));
  }
  // Punctuation alone (a quote or a dash typed first) is no search yet.
  if (!words.length) {
    return /^[\p{P}\s]*$/u.test(folded) ? null : { words, match: NOTHING, needsFilter: false };
  }
  // Prefix indexes cover 2 to 6 letters and are read lazily. A one-letter prefix would read every
  // term, so it is exact; a longer prefix is cut to 6 letters and the rows are checked afterwards.
  const last = words.length - 1;
  const needsFilter = !isRun(words[last]!) && words[last]!.length > INDEXED_PREFIX;
  const match = words.map((w, i) => {
    // A run is the phrase of its characters, next to each other as the index keeps them.
    if (isRun(w)) return `"${searchText(w).trim().split(/\s+/).join(" ")}"`;
    if (i !== last || w.length === 1) return `"${w}"`;
    return `"${w.slice(0, INDEXED_PREFIX)}"*`;
  }).join(" ");
  return { words, match, needsFilter };
}

/** A search word: letters, digits and `_`, or one emoji. */
const SEARCH_WORD = /[\p{L}\p{N}_]+|\p{Extended_Pictographic}/gu;

/**
 * One searched text folded once, as ranking, filtering and snippets compare it. ASCII text (most
 * prompts) keeps only its folded string and is scanned with `indexOf`; other text also keeps its
 * words, since its word boundaries need Unicode classes.
 */
export interface FoldedText {
  folded: string;
  /** How many words the text has: ranking weighs hits by the text's length. */
  count: number;
  /** The folded words of text outside ASCII; null for ASCII text. */
  words: string[] | null;
}

/** A row's two searched texts, folded. */
export interface RowTexts {
  input: FoldedText;
  positive: FoldedText;
}

/** The folded texts of an entry's input and prompt (computed per row; a store may keep them). */
export function rowTexts(entry: { user_input: string; positive: string }): RowTexts {
  return { input: foldedText(entry.user_input), positive: foldedText(entry.positive) };
}

/** The words of lower-case ASCII text (counted, not kept). */
const LOWER_ASCII_WORD = /[a-z0-9_]+/g;

function foldedText(text: string): FoldedText {
  if (!NON_ASCII.test(text)) {
    const folded = text.toLowerCase();
    return { folded, count: folded.match(LOWER_ASCII_WORD)?.length ?? 0, words: null };
  }
  const folded = fold(text);
  const words = folded.match(WORD) ?? [];
  return { folded, count: words.length, words };
}

/** Whether a UTF-16 code unit of lower-case ASCII text belongs to a word (`[a-z0-9_]`). */
function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * Scores a word in lower-case ASCII text without splitting it: 1.5 for each word equal to `w`,
 * and, when `w` is the last word typed (a prefix), 1 for each word that begins with it.
 */
function asciiHits(folded: string, w: string, prefix: boolean, stopAtFirst: boolean): number {
  let score = 0;
  for (let at = folded.indexOf(w); at >= 0; at = folded.indexOf(w, at + 1)) {
    if (at > 0 && isWordCode(folded.charCodeAt(at - 1))) continue;
    const end = at + w.length;
    if (end === folded.length || !isWordCode(folded.charCodeAt(end))) score += 1.5;
    else if (prefix) score += 1;
    else continue;
    if (stopAtFirst) return score;
  }
  return score;
}

/** The same score over the words of text outside ASCII. */
function wordHits(words: string[], w: string, prefix: boolean, stopAtFirst: boolean): number {
  let score = 0;
  for (const t of words) {
    if (t === w) score += 1.5;
    else if (prefix && t.startsWith(w)) score += 1;
    else continue;
    if (stopAtFirst) return score;
  }
  return score;
}

/** Which of a search's words are runs (CJK, Thai…, emoji), worked out once per search. */
const RUNS = new WeakMap<string[], boolean[]>();
function runsOf(words: string[]): boolean[] {
  let runs = RUNS.get(words);
  if (!runs) RUNS.set(words, runs = words.map(isRun));
  return runs;
}

function wordScore(t: FoldedText, w: string, run: boolean, prefix: boolean, any: boolean): number {
  if (run) return 1.5 * (t.folded.split(w).length - 1);
  return t.words ? wordHits(t.words, w, prefix, any) : asciiHits(t.folded, w, prefix, any);
}

/** Whether a row's texts really contain every word (the last as a prefix). */
export function matchesAll(known: RowTexts, words: string[]): boolean {
  const runs = runsOf(words);
  const last = words.length - 1;
  for (let i = 0; i <= last; i++) {
    const w = words[i]!;
    if (runs[i]) {
      if (!known.input.folded.includes(w) && !known.positive.folded.includes(w)) return false;
      continue;
    }
    const prefix = i === last;
    if (
      !wordScore(known.input, w, false, prefix, true) &&
      !wordScore(known.positive, w, false, prefix, true)
    ) return false;
  }
  return true;
}

function hits(t: FoldedText, words: string[]): number {
  const runs = runsOf(words);
  const last = words.length - 1;
  let score = 0;
  for (let i = 0; i <= last; i++) score += wordScore(t, words[i]!, runs[i]!, i === last, false);
  return score / Math.log2(2 + t.count / 8);
}

/** Relevance of a row: matches in the user's own words count three times those in the prompt. */
export function relevance(known: RowTexts, words: string[]): number {
  return 3 * hits(known.input, words) + hits(known.positive, words);
}

const WORD = /[\p{L}\p{N}_]+/gu;
const SPACES = /\s+/;
const SPACE_RUNS = /\s+/g;

/**
 * A short excerpt around the first match, with `[[` and `]]` around matching words, taken from
 * the user's input when it matches, else from the prompt.
 */
export function snippet(
  entry: { user_input: string; positive: string },
  words: string[],
  span = 16,
  known?: RowTexts,
): string {
  const input = known?.input ?? foldedText(entry.user_input);
  const source = hits(input, words) > 0 ? entry.user_input : entry.positive;
  if (!NON_ASCII.test(source)) return asciiSnippet(source, words, span);
  const tokens = source.split(SPACES).filter(Boolean);
  const runs = runsOf(words);
  const plain = words.filter((_, i) => !runs[i]);
  const runWords = words.filter((_, i) => runs[i]);
  const last = words.at(-1);
  const isHit = (token: string) => {
    const f = fold(token);
    return plain.some((w) => f === w || (w === last && f.startsWith(w)));
  };
  const hasRun = (token: string) => runWords.some((w) => fold(token).includes(w));
  const mark = (token: string) => {
    const marked = token.replace(WORD, (w) => (isHit(w) ? `[[${w}]]` : w));
    // A run inside a word (CJK): marked where it stands; such scripts have no case to fold.
    return runWords.reduce((t, w) => t.split(w).join(`[[${w}]]`), marked);
  };
  const first = tokens.findIndex((t) =>
    (runWords.length > 0 && hasRun(t)) || (t.match(WORD) ?? []).some(isHit)
  );
  return excerpt(tokens, first, span, mark);
}

/** The tokens around the first hit, each marked, with `…` where text was left out. */
function excerpt(
  tokens: string[],
  first: number,
  span: number,
  mark: (text: string) => string,
): string {
  const start = Math.max(0, Math.max(0, first) - Math.floor(span / 3));
  const body = mark(tokens.slice(start, start + span).join(" "));
  return `${start > 0 ? "… " : ""}${body}${start + span < tokens.length ? " …" : ""}`;
}

/**
 * The hit words of a search in ASCII text as one pattern: a whole word equal to a search word,
 * or beginning with the last one. Null when no search word can occur in ASCII text.
 */
const ASCII_HITS = new WeakMap<string[], RegExp | null>();
function asciiHitPattern(words: string[]): RegExp | null {
  if (ASCII_HITS.has(words)) return ASCII_HITS.get(words)!;
  const runs = runsOf(words);
  // Search words are letters, digits and `_` only, so they need no escaping.
  const plain = words.filter((w, i) => !runs[i] && !NON_ASCII.test(w));
  const last = words.at(-1)!;
  const alternatives = plain.includes(last) ? [...plain, `${last}[A-Za-z0-9_]*`] : plain;
  const pattern = alternatives.length
    ? new RegExp(`(?<![A-Za-z0-9_])(?:${alternatives.join("|")})(?![A-Za-z0-9_])`, "gi")
    : null;
  ASCII_HITS.set(words, pattern);
  return pattern;
}

/** Whether a code unit of ASCII text is white space (what `\s` matches there). */
function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Whether ASCII text between `from` and `end` has no white space but single plain spaces, so it
 * needs no collapsing: a regular-expression replace allocated more than the rest of a snippet.
 */
function singleSpaced(text: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    // A space after a space, or any other white space, would be collapsed.
    if (c === 32 ? i > from && text.charCodeAt(i - 1) === 32 : isSpaceCode(c)) return false;
  }
  return true;
}

/**
 * `snippet` for ASCII text: one pattern finds the first hit, and the excerpt is cut by walking
 * out from it, so a long prompt is never split into all its words.
 */
function asciiSnippet(source: string, words: string[], span: number): string {
  const hit = asciiHitPattern(words);
  let at = 0;
  if (hit) {
    hit.lastIndex = 0;
    at = hit.exec(source)?.index ?? 0;
  }
  const space = (i: number) => isSpaceCode(source.charCodeAt(i));
  // Back to the start of the hit's word, then a third of the span's words before it.
  let from = at;
  while (from > 0 && !space(from - 1)) from--;
  for (let n = Math.floor(span / 3); n > 0; n--) {
    let p = from;
    while (p > 0 && space(p - 1)) p--;
    if (p === 0) break;
    while (p > 0 && !space(p - 1)) p--;
    from = p;
  }
  let before = from;
  while (before > 0 && space(before - 1)) before--;
  while (from < source.length && space(from)) from++;
  let end = from;
  for (let n = 0; n < span && end < source.length; n++) {
    while (end < source.length && !space(end)) end++;
    while (end < source.length && space(end)) end++;
  }
  const more = end < source.length;
  while (end > from && space(end - 1)) end--;
  let body = singleSpaced(source, from, end)
    ? source.slice(from, end)
    : source.slice(from, end).replace(SPACE_RUNS, " ");
  if (hit) body = body.replace(hit, "[[$&]]");
  return `${before > 0 ? "… " : ""}${body}${more ? " …" : ""}`;
}

/**
 * A snippet cut into text and marked hits (`[[…]]`), for the page to render: a loop over
 * `indexOf`, since the text between the marks is the user's (`[[` without `]]` is possible).
 */
export function markedParts(text: string): (string | { mark: string })[] {
  const out: (string | { mark: string })[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf("[[", at);
    const close = open < 0 ? -1 : text.indexOf("]]", open + 2);
    if (close < 0) break;
    if (open > at) out.push(text.slice(at, open));
    out.push({ mark: text.slice(open + 2, close) });
    at = close + 2;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}
