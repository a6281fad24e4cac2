/**
 * Prompt weighting syntax, removed the way A1111 (`prompt_parser.py`, `extra_networks.py`) and
 * ComfyUI (`sd1_clip.py`) remove it before the text reaches the tokenizer, so a token count is of
 * the words the encoder reads, not of the brackets and weights around them.
 *
 * - `(a)`, `((a))`, `(a:1.2)`, `(a: 1.2)`: brackets and the trailing weight go, the words stay.
 *   An unmatched `(` is syntax too (A1111 weights the rest of the prompt); an unmatched `)` is text.
 * - `[a]`: A1111's de-emphasis; brackets go. `[a|b]` (alternation) and `[a:b:0.5]`, `[a:0.5]`,
 *   `[a::0.5]` (scheduling) keep the longest text the model will see, as A1111's counter takes the
 *   longest prompt of the schedule. `[a:b]` without a number is de-emphasis with a literal colon.
 * - `\(`, `\)`, `\[`, `\]`, `\\` are the literal characters; a backslash before anything else is
 *   dropped, as A1111 does.
 * - `<lora:name:0.8>`, `<lyco:…>`, `<hypernet:…>` and any `<word:…>` (A1111's extra networks) go.
 * - `embedding:name` (ComfyUI's textual inversion) goes and is listed: its vectors are in the
 *   embedding file, which we cannot see, so it is not counted.
 * - `BREAK` (A1111) ends the 75-token chunk; the word itself is not tokenized.
 *
 * ComfyUI's own parser differs in two places, recorded in docs/DECISIONS.md: it leaves `[a]` and
 * `<lora:…>` in the text (LoRA loader nodes strip the tags), and it has no scheduling or BREAK.
 *
 * The scanner is one pass over the text with an explicit stack (no regular expressions, so no
 * backtracking); nesting deeper than MAX_DEPTH is read as literal text.
 */

/** A piece of the stripped prompt: `original.slice(start, end)`. `start === end` marks a BREAK. */
export interface Span {
  start: number;
  end: number;
}

/** A prompt with its weighting syntax removed, and where each kept character came from. */
export interface StrippedPrompt {
  /** The text the tokenizer reads. */
  text: string;
  /** The kept pieces of the original, in order; together they spell `text` (BREAKs are empty). */
  spans: Span[];
  /** Offsets in `text` where a BREAK forces a new chunk. */
  breaks: number[];
  /** Where each of those BREAKs is in the original. */
  breakOrigins: number[];
  /** Names of `embedding:name` references, which are not counted. */
  embeddings: string[];
  /** Offsets in the original of text weighted above 1: `(a)`, `(a:1.3)`; the user's key words. */
  emphasized: Span[];
}

/** Deeper brackets are read as text; real prompts nest a handful deep. */
const MAX_DEPTH = 32;

/** A closed bracket's kept items, with their length in characters cached. */
interface Group {
  kind: "group";
  items: Item[];
  length: number;
}

type Item =
  | { kind: "span"; span: Span }
  | { kind: "sep"; ch: ":" | "|"; at: number }
  | Group;

interface Frame {
  open: "(" | "[";
  items: Item[];
}

const WORD_CHAR = /[A-Za-z0-9_]/;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD_CHAR.test(ch);
}

function isSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\n" || ch === "\t" || ch === "\r" || ch === "\f" || ch === "\v";
}

/** True for `  1.2 `, `-0.5`, `.5`, `3`: the weight or step number A1111 and ComfyUI accept. */
function isNumber(text: string): boolean {
  let i = 0;
  let j = text.length;
  while (i < j && isSpace(text[i])) i++;
  while (j > i && isSpace(text[j - 1])) j--;
  if (i < j && (text[i] === "+" || text[i] === "-")) i++;
  let digits = 0;
  let dots = 0;
  for (; i < j; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && dots === 0) dots++;
    else return false;
  }
  return digits > 0;
}

function itemLength(it: Item): number {
  return it.kind === "span" ? it.span.end - it.span.start : it.kind === "sep" ? 1 : it.length;
}

function group(items: Item[]): Group {
  let length = 0;
  for (const it of items) length += itemLength(it);
  return { kind: "group", items, length };
}

/** Top-level parts of `items` between separators `ch`. */
function splitAt(items: Item[], ch: ":" | "|"): Item[][] {
  const parts: Item[][] = [[]];
  for (const it of items) {
    if (it.kind === "sep" && it.ch === ch) parts.push([]);
    else parts.at(-1)!.push(it);
  }
  return parts;
}

function countSeps(items: Item[], ch: ":" | "|"): number {
  let n = 0;
  for (const it of items) if (it.kind === "sep" && it.ch === ch) n++;
  return n;
}

function longest(parts: Item[][]): Group {
  let best = group(parts[0]!);
  for (const part of parts.slice(1)) {
    const g = group(part);
    if (g.length > best.length) best = g;
  }
  return best;
}

/** The text of plain items only (a weight or step number is never a group); null otherwise. */
function plainText(items: Item[], source: string): string | null {
  let s = "";
  for (const it of items) {
    if (it.kind === "group") return null;
    s += it.kind === "span" ? source.slice(it.span.start, it.span.end) : it.ch;
    if (s.length > 32) return null;
  }
  return s;
}

/** The weight of a closed `( … )` (1.1 without a number) and the words it keeps. */
function closeRound(items: Item[], source: string): { weight: number; kept: Group } {
  let last = -1;
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i]!;
    if (it.kind === "sep" && it.ch === ":") {
      last = i;
      break;
    }
  }
  if (last >= 0) {
    const number = plainText(items.slice(last + 1), source);
    if (number !== null && isNumber(number)) {
      return { weight: Number(number), kept: group(items.slice(0, last)) };
    }
  }
  return { weight: 1.1, kept: group(items) };
}

/** The first and last characters of the original a group keeps, ignoring BREAK marks. */
function coverage(g: Group): Span | null {
  const first = (items: Item[], from: number, step: number): Span | null => {
    for (let i = from; i >= 0 && i < items.length; i += step) {
      const it = items[i]!;
      if (it.kind === "span" && it.span.end > it.span.start) return it.span;
      if (it.kind === "sep") return { start: it.at, end: it.at + 1 };
      if (it.kind === "group" && it.length > 0) {
        return first(it.items, step > 0 ? 0 : it.items.length - 1, step);
      }
    }
    return null;
  };
  const start = first(g.items, 0, 1);
  const end = first(g.items, g.items.length - 1, -1);
  return start && end ? { start: start.start, end: end.end } : null;
}

/** What a closed `[ … ]` leaves: the longest alternative or scheduled text, or its words. */
function closeSquare(items: Item[], source: string): Group {
  if (countSeps(items, "|") > 0) return longest(splitAt(items, "|"));
  const colons = countSeps(items, ":");
  if (colons === 1 || colons === 2) {
    const parts = splitAt(items, ":");
    const when = plainText(parts.at(-1)!, source);
    if (when !== null && isNumber(when)) return longest(parts.slice(0, -1));
  }
  return group(items);
}

/** End of an A1111 extra-network tag `<name:…>` starting at `i`, or -1. */
function extraNetworkEnd(text: string, i: number, nextGt: number): number {
  let j = i + 1;
  while (isWordChar(text[j])) j++;
  if (j === i + 1 || text[j] !== ":" || nextGt < 0 || nextGt === j + 1) return -1;
  return nextGt + 1;
}

const EMBEDDING = "embedding:";

/** End of the name of an `embedding:name` starting at `i` (ComfyUI stops at space, `,`, `<`, `[`). */
function embeddingEnd(text: string, i: number): number {
  let j = i + EMBEDDING.length;
  while (j < text.length) {
    const ch = text[j]!;
    if (
      isSpace(ch) || ch === "," || ch === ":" || ch === "<" || ch === "[" || ch === "(" ||
      ch === ")"
    ) break;
    if (ch === "]") break;
    j++;
  }
  return j;
}

function isBreakAt(text: string, i: number): boolean {
  return text.startsWith("BREAK", i) && !isWordChar(text[i - 1]) && !isWordChar(text[i + 5]);
}

/** Removes weighting, scheduling, extra-network and embedding syntax; keeps where each piece came from. */
export function parseEmphasis(source: string): StrippedPrompt {
  const root: Frame = { open: "(", items: [] };
  const stack: Frame[] = [root];
  const embeddings: string[] = [];
  const emphasized: Span[] = [];
  let textStart = -1;
  let nextGt = -2;
  const top = () => stack[stack.length - 1]!;
  const flush = (end: number) => {
    if (textStart >= 0 && end > textStart) {
      top().items.push({ kind: "span", span: { start: textStart, end } });
    }
    textStart = -1;
  };
  const push = (start: number, end: number) => {
    flush(start);
    top().items.push({ kind: "span", span: { start, end } });
  };
  const close = (frame: Frame) => {
    let kept: Group;
    if (frame.open === "(") {
      const round = closeRound(frame.items, source);
      kept = round.kept;
      const range = round.weight > 1 ? coverage(kept) : null;
      if (range) emphasized.push(range);
    } else kept = closeSquare(frame.items, source);
    top().items.push(kept);
  };

  for (let i = 0; i < source.length;) {
    const ch = source[i]!;
    if (ch === "\\") {
      flush(i);
      const next = source[i + 1];
      if (next === "(" || next === ")" || next === "[" || next === "]" || next === "\\") {
        push(i + 1, i + 2);
        i += 2;
      } else i += 1;
      continue;
    }
    if (ch === "(" || ch === "[") {
      flush(i);
      if (stack.length > MAX_DEPTH) push(i, i + 1);
      else stack.push({ open: ch, items: [] });
      i++;
      continue;
    }
    if (ch === ")" || ch === "]") {
      flush(i);
      const want = ch === ")" ? "(" : "[";
      let depth = stack.length - 1;
      while (depth > 0 && stack[depth]!.open !== want) depth--;
      if (depth === 0) push(i, i + 1);
      else {
        while (stack.length > depth) close(stack.pop()!);
      }
      i++;
      continue;
    }
    if ((ch === ":" || ch === "|") && stack.length > 1) {
      flush(i);
      top().items.push({ kind: "sep", ch, at: i });
      i++;
      continue;
    }
    if (ch === "<") {
      if (nextGt !== -1 && nextGt < i) nextGt = source.indexOf(">", i);
      const end = extraNetworkEnd(source, i, nextGt);
      if (end > 0) {
        flush(i);
        i = end;
        continue;
      }
    }
    if (ch === "e" && source.startsWith(EMBEDDING, i)) {
      const before = source[i - 1];
      if (before === undefined || isSpace(before) || "([,".includes(before) || textStart < 0) {
        const end = embeddingEnd(source, i);
        if (end > i + EMBEDDING.length) {
          flush(i);
          embeddings.push(source.slice(i + EMBEDDING.length, end));
          i = end;
          continue;
        }
      }
    }
    if (ch === "B" && isBreakAt(source, i)) {
      flush(i);
      top().items.push({ kind: "span", span: { start: i, end: i } });
      i += 5;
      continue;
    }
    if (textStart < 0) textStart = i;
    i++;
  }
  flush(source.length);
  while (stack.length > 1) close(stack.pop()!);

  // Flatten the kept tree; separators nobody used are literal characters.
  const spans: Span[] = [];
  const breaks: number[] = [];
  const breakOrigins: number[] = [];
  const parts: string[] = [];
  let length = 0;
  const walk: { items: Item[]; next: number }[] = [{ items: root.items, next: 0 }];
  while (walk.length > 0) {
    const level = walk[walk.length - 1]!;
    if (level.next >= level.items.length) {
      walk.pop();
      continue;
    }
    const it = level.items[level.next++]!;
    if (it.kind === "group") {
      walk.push({ items: it.items, next: 0 });
      continue;
    }
    const span = it.kind === "sep" ? { start: it.at, end: it.at + 1 } : it.span;
    if (span.start === span.end) {
      breaks.push(length);
      breakOrigins.push(span.start);
    } else {
      parts.push(source.slice(span.start, span.end));
      length += span.end - span.start;
    }
    spans.push(span);
  }
  const text = parts.join("");
  emphasized.sort((a, b) => a.start - b.start);
  return { text, spans, breaks, breakOrigins, embeddings, emphasized };
}

/** The prompt as the tokenizer reads it: weights, brackets, LoRA tags and embeddings removed. */
export function stripEmphasis(text: string): string {
  return parseEmphasis(text).text;
}
