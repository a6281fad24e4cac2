/**
 * No word said twice: a prompt engineer writes "high fantasy art", not "high fantasy fantasy
 * art". Phrases are read in order; a later phrase loses the content words an earlier one already
 * used, and is dropped when fewer than half of its own are left. Small words (of, the, and…)
 * may repeat.
 */

/** Words that may not start or end a phrase; one left dangling there is trimmed. */
const DANGLING = new Set("of and or with in on at to for by a an the as".split(" "));

/** Words that may repeat: the dangling ones and a few more that carry little meaning. */
const SMALL = new Set([
  ...DANGLING,
  ..."from into over under its their his her through style is are up".split(" "),
]);

const WORD_CHAR = /[\p{L}\p{N}]/u;

function key(word: string): string {
  const w = word.toLowerCase().replace(/^[^\p{L}\p{N}]+/u, "");
  // A loop from the end: an end-anchored pattern rescans a long run of punctuation per start.
  let end = w.length;
  while (end > 0) {
    let start = end - 1;
    const c = w.charCodeAt(start);
    if (c >= 0xdc00 && c <= 0xdfff && start > 0) start--;
    if (WORD_CHAR.test(w.slice(start, end))) break;
    end = start;
  }
  return w.slice(0, end);
}

/** Whether a word carries meaning of its own (not a small word, not punctuation). */
function isContent(word: string): boolean {
  const k = key(word);
  return k.length > 1 && !SMALL.has(k);
}

/** A phrase to de-duplicate; `fixed` ones (the idea, quality tags) are never changed. */
export interface Phrase {
  text: string;
  fixed?: boolean;
  /** Fixed phrases whose words others may still use (quality tags). */
  ignore?: boolean;
}

function tidy(words: string[]): string[] {
  let out = words;
  while (out.length && DANGLING.has(key(out[0]!))) out = out.slice(1);
  while (out.length && DANGLING.has(key(out.at(-1)!))) out = out.slice(0, -1);
  return out;
}

/**
 * Removes from each phrase the content words an earlier phrase used; returns the new texts,
 * `null` for a phrase that kept fewer than half of its content words.
 */
export function withoutRepeats(phrases: Phrase[]): (string | null)[] {
  const used = new Set<string>();
  return phrases.map((p) => {
    const words = p.text.split(/\s+/).filter(Boolean);
    if (p.fixed) {
      if (!p.ignore) { for (const w of words) if (isContent(w)) used.add(key(w)); }
      return p.text;
    }
    const kept: string[] = [];
    let content = 0;
    let removed = 0;
    for (const w of words) {
      if (!isContent(w)) kept.push(w);
      else if (used.has(key(w))) removed++;
      else {
        content++;
        used.add(key(w));
        kept.push(w);
      }
    }
    if (!removed) return p.text;
    // What is left of a phrase that lost most of its words says little: "art" of "background art".
    if (content === 0 || content < removed) {
      for (const w of kept) if (isContent(w)) used.delete(key(w));
      return null;
    }
    return tidy(kept).join(" ");
  });
}

/** The content words of a text, lower case, in order (repeats included). */
export function contentWords(text: string): string[] {
  return text.split(/\s+/).filter(isContent).map(key);
}
