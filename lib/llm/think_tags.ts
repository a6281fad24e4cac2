/**
 * The inline reasoning tags models write (`<think>`, `<thinking>`, `<reasoning>` and their
 * closing tags, any case), found by native searches so that a reply full of `<` or of tag-like
 * starts costs no JavaScript step per character.
 */

/** The tags' names; every list and pattern below is made from these. */
const NAMES = ["think", "thinking", "reasoning"];
/** Opening and closing tags as written in lower case. */
const TAGS = NAMES.flatMap((n) => [`<${n}>`, `</${n}>`]);
const LONGEST = Math.max(...TAGS.map((t) => t.length));
const NAME = NAMES.join("|");

/**
 * Any reasoning tag; group 1 is "/" for a closing one. ASCII letters only: without the u flag,
 * `i` never folds another script's letters into them. Global: callers set lastIndex.
 */
export const THINK_TAG = new RegExp(`<(/?)(?:${NAME})>`, "gi");
/** An opening reasoning tag (not global). */
export const OPEN_THINK_TAG = new RegExp(`<(?:${NAME})>`, "i");
/** A closing reasoning tag (not global). */
export const CLOSE_THINK_TAG = new RegExp(`</(?:${NAME})>`, "i");

/**
 * Where, near its end, `text` holds what could still grow into a tag (`<`, `</thi`, …) once
 * more text arrives; -1 when nothing there could. Only the last `<` can start one: a tag holds
 * no other `<`.
 */
export function partialTagStart(text: string, closing: boolean | null = null): number {
  const last = text.lastIndexOf("<");
  if (last < 0 || text.length - last >= LONGEST) return -1;
  const tail = text.slice(last).toLowerCase();
  const fits = TAGS.some((t) =>
    t.startsWith(tail) && (closing === null || (t[1] === "/") === closing)
  );
  return fits ? last : -1;
}
