/**
 * Text clean-up for reply parts: tag lists, prose paragraphs, notes, chatter detection. Every
 * function is a linear scan or a split; none runs a backtracking pattern over model text.
 */
import type { PromptStyle } from "./reply_types.ts";

/** Openings of sentences that talk to the user rather than describe an image. */
const CHATTER_STARTS = [
  "this prompt",
  "this negative",
  "the prompt",
  "the negative",
  "this version",
  "this setup",
  "this captures",
  "this creates",
  "this should",
  "this will",
  "this combines",
  "this emphasizes",
  "this emphasises",
  "this focuses",
  "this keeps",
  "this one",
  "these prompts",
  "these tags",
  "let me know",
  "let me",
  "let's",
  "feel free",
  "i hope",
  "hope this",
  "hope you",
  "hope that",
  "enjoy",
  "would you like",
  "do you want",
  "want me to",
  "shall i",
  "should i",
  "if you'd like",
  "if you want",
  "if you need",
  "if you'd",
  "you can",
  "you could",
  "you might",
  "you may",
  "happy creating",
  "happy generating",
  "have fun",
  "good luck",
  "for best results",
  "thanks",
  "thank you",
  "please",
  "note that",
  "keep in mind",
  "to help me",
  "espero",
  "este prompt",
  "dieser prompt",
  "ich hoffe",
  "ce prompt",
  "j'espère",
  "n'hésitez",
  "希望",
  "这个提示词",
  "此提示词",
  "このプロンプト",
];

const CHATTER_FIRST = new Set(CHATTER_STARTS.map((s) => s[0]!));

/** Words that, at the start of a sentence or anywhere in one, mark it as talk to the user. */
const PERSON_WORDS = new Set([
  "i",
  "i'm",
  "i've",
  "i'll",
  "i'd",
  "me",
  "my",
  "you",
  "you're",
  "your",
  "you'll",
  "you'd",
  "yours",
  "we",
  "let's",
]);

const TERMINAL = ".!?。！？…";

/** Lower-case text without leading markdown, quotes and Spanish opening marks. */
function opening(text: string): string {
  let a = 0;
  while (a < text.length && a < 20 && "*_\"'“¡¿> \t".includes(text[a]!)) a++;
  return text.slice(a, a + 80).toLowerCase().replaceAll("’", "'");
}

/** The last visible character, ignoring closing markdown and quotes. */
function lastChar(text: string): string {
  let b = text.length;
  while (b > 0 && b > text.length - 20 && "*_\"'”) \t".includes(text[b - 1]!)) b--;
  return b > 0 ? text[b - 1]! : "";
}

/** Whether the text speaks in the first or second person (quoted words, like a sign, aside). */
function hasPersonWords(text: string): boolean {
  let word = "";
  let quoted = false;
  const scan = text.length > 2000 ? text.slice(0, 2000) : text;
  for (let i = 0; i <= scan.length; i++) {
    const c = i < scan.length ? scan[i]!.toLowerCase() : " ";
    if (c === '"' || c === "“" || c === "”") {
      quoted = c === "“" ? true : c === "”" ? false : !quoted;
      word = "";
    } else if (quoted) continue;
    else if ((c >= "a" && c <= "z") || c === "'" || c === "’") {
      if (word.length < 8) word += c === "’" ? "'" : c;
    } else {
      if (word && PERSON_WORDS.has(word)) return true;
      word = "";
    }
  }
  return false;
}

/**
 * Whether a line or sentence is talk rather than prompt: a known opening, a question or an
 * exclamation, or (when `person` is set) first- or second-person words.
 */
export function isChatter(text: string, person = true): boolean {
  const head = opening(text);
  if (!head) return false;
  if (CHATTER_FIRST.has(head[0]!)) {
    for (const s of CHATTER_STARTS) if (head.startsWith(s)) return true;
  }
  if (head.startsWith("i ")) return true;
  const end = lastChar(text);
  if (end === "?" || end === "!" || end === "？" || end === "！") return true;
  if (isAside(text)) return true;
  return person && hasPersonWords(text);
}

/** A whole line in brackets that reads as a remark, `(Optional: add … if …)`, not a weighted tag. */
export function isAside(text: string): boolean {
  const t = text.trim();
  if (t[0] !== "(" || t[t.length - 1] !== ")") return false;
  let depth = 0;
  let words = 1;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0 && i < t.length - 1) return false;
    else if (c === " ") words++;
    else if (c === ":" && t[i + 1]! >= "0" && t[i + 1]! <= "9") return false;
  }
  return words >= 4;
}

/** Whether the line starts a new sentence after `prev` (so it may be a remark, not a wrap). */
export function startsSentence(prev: string, line: string): boolean {
  const p = lastChar(prev);
  if (p && TERMINAL.includes(p)) return true;
  let a = 0;
  while (a < line.length && a < 20 && "*_\"'“ \t".includes(line[a]!)) a++;
  const c = line[a];
  return c !== undefined && c !== c.toLowerCase();
}

/**
 * Cuts remarks off the end of a prompt written on one line ("… snow. Let me know if you'd like
 * changes!"). Returns the prompt and the remarks, in order.
 */
export function splitTrailingChatter(text: string): { text: string; trailers: string[] } {
  const starts: number[] = [0];
  for (let i = 0; i + 2 < text.length; i++) {
    if (!isTerminalCode(text.charCodeAt(i)) || !isSpaceCode(text.charCodeAt(i + 1))) continue;
    let j = i + 1;
    while (j < text.length && isSpaceCode(text.charCodeAt(j))) j++;
    const c = text[j];
    if (c && (c !== c.toLowerCase() || '¡¿"“'.includes(c))) starts.push(j);
    i = j - 1;
  }
  const trailers: string[] = [];
  let end = text.length;
  for (let k = starts.length - 1; k > 0; k--) {
    const sentence = text.slice(starts[k]!, end).trim();
    if (!isChatter(sentence)) break;
    trailers.push(sentence);
    end = starts[k]!;
  }
  return { text: text.slice(0, end).trimEnd(), trailers: trailers.reverse() };
}

function isTerminalCode(c: number): boolean {
  // . ! ? 。 ！ ？ …
  return c === 46 || c === 33 || c === 63 || c === 0x3002 || c === 0xff01 || c === 0xff1f ||
    c === 0x2026;
}

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
}

/** Removes a trailing token or word count such as `(~70 tokens)` or `[Word count: 41]`. */
export function stripTokenCount(text: string): string {
  const t = text.trimEnd();
  const close = t[t.length - 1];
  if (close !== ")" && close !== "]") return t;
  const open = close === ")" ? "(" : "[";
  let i = t.length - 2;
  while (i >= 0 && t.length - i < 48 && t[i] !== open) i--;
  if (i < 0 || t[i] !== open) return t;
  const inner = t.slice(i + 1, -1).toLowerCase();
  let digit = false;
  for (const c of inner) if (c >= "0" && c <= "9") digit = true;
  if (digit && (inner.includes("token") || inner.includes("word"))) return t.slice(0, i).trimEnd();
  return t;
}

const LORA_PREFIXES = ["<lora:", "<lyco:", "<hypernet:", "<embedding:", "<lycoris:"];

/** Takes off quotes, backticks or copied `<placeholder>` brackets around the whole text. */
export function stripWrapping(text: string): string {
  let t = text.trim();
  for (let round = 0; round < 3 && t.length >= 2; round++) {
    const a = t[0]!;
    const b = t[t.length - 1]!;
    const pair = (a === '"' && b === '"') || (a === "“" && b === "”") ||
      (a === "„" && b === "“") || (a === "«" && b === "»") || (a === "「" && b === "」") ||
      (a === "`" && b === "`") || (a === "'" && b === "'") || (a === "*" && b === "*");
    if (pair && !innerHas(t, a, b)) {
      t = t.slice(1, -1).trim();
      continue;
    }
    if (a === "<" && b === ">" && !LORA_PREFIXES.some((p) => t.toLowerCase().startsWith(p))) {
      if (matchingClose(t) === t.length - 1) {
        t = t.slice(1, -1).trim();
        continue;
      }
    }
    break;
  }
  return t;
}

/** Whether the opening or closing mark appears again inside (then it is not a wrapper). */
function innerHas(t: string, a: string, b: string): boolean {
  const inner = t.slice(1, -1);
  if (a === "*") return inner.includes("*");
  return inner.includes(b) || (a !== b && inner.includes(a));
}

function matchingClose(t: string): number {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === "<") depth++;
    else if (t[i] === ">" && --depth === 0) return i;
  }
  return -1;
}

/** Removes `**` bold markers (underscores stay: wildcards and LoRA names use them). */
export function unbold(text: string): string {
  return text.includes("**") ? text.replaceAll("**", "") : text;
}

/** Splits at commas outside brackets, so `(red scarf, snow:1.1)` stays one tag. */
export function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // ( [ { <  and  ) ] } >
    if (c === 40 || c === 91 || c === 123 || c === 60) depth++;
    else if (c === 41 || c === 93 || c === 125 || c === 62) {
      if (depth > 0) depth--;
    } else if ((c === 44 || c === 10 || c === 0xff0c) && depth === 0) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out;
}

function stripBullet(s: string): string {
  const t = s.trim();
  if (t.length > 1 && "-*•+·".includes(t[0]!) && (t[1] === " " || t[1] === "\t")) {
    return t.slice(2).trim();
  }
  return t;
}

function dropFinalPeriod(s: string): string {
  let t = s;
  while (t && ".;。".includes(t[t.length - 1]!)) t = t.slice(0, -1).trimEnd();
  return t;
}

/** Joins prompt lines into the target's shape: a clean tag list, or one paragraph. */
export function cleanPrompt(lines: string[], style: PromptStyle): string {
  const parts = lines.map((l) => stripTokenCount(stripWrapping(unbold(l)))).filter((l) => l);
  if (style === "tags") {
    const text = stripWrapping(parts.join("\n")).replaceAll("`", "");
    const tags = splitTopLevel(text).map(stripBullet).filter((t) => t);
    if (tags.length) tags[tags.length - 1] = dropFinalPeriod(tags[tags.length - 1]!);
    return tags.filter((t) => t).join(", ");
  }
  const text = stripWrapping(parts.map(stripBullet).join(" "));
  return collapseSpaces(text);
}

/** One space for every run of whitespace. */
export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** A negative that says there is none ("none", "N/A", "Not used for Flux."). */
export function isNoneText(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (!t || t === "-" || t === "—") return true;
  if (t.includes(",")) return false;
  for (
    const p of [
      "none",
      "n/a",
      "na",
      "not ",
      "no negative",
      "nothing",
      "keine",
      "aucun",
      "无",
      "なし",
    ]
  ) {
    if (t === p.trim() || t.startsWith(p)) return true;
  }
  return false;
}

/** A note line without markdown: bullets become "- ", bold and italics go. */
export function noteLine(text: string, bullet: boolean, number: number | null): string {
  const body = stripItalic(unbold(text).trim());
  if (!body) return "";
  if (bullet) return `- ${body}`;
  if (number !== null) return `${number}. ${body}`;
  return body;
}

function stripItalic(t: string): string {
  if (t.length > 2 && (t[0] === "*" || t[0] === "_") && t[t.length - 1] === t[0]) {
    const inner = t.slice(1, -1);
    if (!inner.includes(t[0]!)) return inner.trim();
  }
  return t;
}

/** Joins note lines; a line that merely wraps the one before it is joined with a space. */
export function joinNotes(lines: string[]): string | null {
  // Parts are kept per note and joined once: growing one string and reading its end would
  // flatten it on every line.
  const notes: string[][] = [];
  let prevEnd = "";
  for (const line of lines) {
    if (!line) continue;
    const first = line[0]!;
    const wraps = notes.length > 0 && !TERMINAL.includes(prevEnd) && !":：;".includes(prevEnd) &&
      first >= "a" && first <= "z" && !line.startsWith("- ");
    if (wraps) notes[notes.length - 1]!.push(line);
    else notes.push([line]);
    prevEnd = lastChar(line);
  }
  return notes.length ? notes.map((n) => n.join(" ")).join("\n") : null;
}
