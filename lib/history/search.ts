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

/** A row's two searched texts as folded words: what ranking, filtering and snippets compare. */
export interface RowWords {
  input: string[];
  positive: string[];
}

/** The words of an entry's input and prompt (computed per row; a store may keep them). */
export function rowWords(entry: { user_input: string; positive: string }): RowWords {
  return { input: tokensOf(entry.user_input), positive: tokensOf(entry.positive) };
}

/** Whether an entry really contains every word (the last as a prefix). */
export function matchesAll(
  entry: { user_input: string; positive: string },
  words: string[],
  known: RowWords = rowWords(entry),
): boolean {
  let text: string | undefined;
  const last = words.length - 1;
  return words.every((w, i) => {
    if (isRun(w)) {
      return (text ??= `${fold(entry.user_input)}\n${fold(entry.positive)}`).includes(w);
    }
    if (known.input.includes(w) || known.positive.includes(w)) return true;
    if (i !== last) return false;
    return known.input.some((t) => t.startsWith(w)) || known.positive.some((t) => t.startsWith(w));
  });
}

const WORD = /[\p{L}\p{N}_]+/gu;
/** WORD for text already known to be ASCII and lower case: the same words, found faster. */
const LOWER_ASCII_WORD = /[a-z0-9_]+/g;
/** WORD for text known to be ASCII. */
const ASCII_WORD = /[A-Za-z0-9_]+/g;

/**
 * A text's words as the search compares them (folded). Ranking, filtering and snippets read
 * these for up to 200 rows per keystroke; ASCII text, most prompts, skips the Unicode pattern.
 */
function tokensOf(text: string): string[] {
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(LOWER_ASCII_WORD) ?? [];
  return fold(text).match(WORD) ?? [];
}

function hits(text: string, tokens: string[], words: string[]): number {
  let score = 0;
  let folded: string | undefined;
  words.forEach((w, i) => {
    if (isRun(w)) {
      score += 1.5 * ((folded ??= fold(text)).split(w).length - 1);
      return;
    }
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
  known: RowWords = rowWords(entry),
): number {
  return 3 * hits(entry.user_input, known.input, words) +
    hits(entry.positive, known.positive, words);
}

/**
 * A short excerpt around the first match, with `[[` and `]]` around matching words, taken from
 * the user's input when it matches, else from the prompt.
 */
export function snippet(
  entry: { user_input: string; positive: string },
  words: string[],
  span = 16,
  known?: RowWords,
): string {
  const inputWords = known?.input ?? tokensOf(entry.user_input);
  const source = hits(entry.user_input, inputWords, words) > 0 ? entry.user_input : entry.positive;
  const plain = words.filter((w) => !isRun(w));
  const runs = words.filter(isRun);
  const ascii = !NON_ASCII.test(source);
  const isHit = (word: string) => {
    const f = ascii ? word.toLowerCase() : fold(word);
    return plain.some((w) => f === w || (w === words.at(-1) && f.startsWith(w)));
  };
  const hasRun = (token: string) => runs.some((w) => fold(token).includes(w));
  const mark = (token: string) => {
    const marked = token.replace(WORD, (w) => (isHit(w) ? `[[${w}]]` : w));
    // A run inside a word (CJK): marked where it stands; such scripts have no case to fold.
    return runs.reduce((t, w) => t.split(w).join(`[[${w}]]`), marked);
  };
  const tokens = source.split(/\s+/).filter(Boolean);
  const first = Math.max(
    0,
    tokens.findIndex((t) =>
      (runs.length > 0 && hasRun(t)) || (t.match(ascii ? ASCII_WORD : WORD) ?? []).some(isHit)
    ),
  );
  const start = Math.max(0, first - Math.floor(span / 3));
  const body = tokens.slice(start, start + span).map(mark).join(" ");
  return `${start > 0 ? "… " : ""}${body}${start + span < tokens.length ? " …" : ""}`;
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
