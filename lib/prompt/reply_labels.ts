/**
 * Recognises the labels models put before the parts of a reply (`PROMPT:`, `**Negative Prompt
 * (SDXL):**`, `### Positive Prompt`, `正面提示词：`, `Alternate A:` …), at the start of a line and
 * in the middle of one. Everything here is a bounded scan: model text never meets a regular
 * expression that could backtrack.
 */

/** What a label announces. */
export type LabelRole =
  /** The prompt itself. */
  | "positive"
  | "negative"
  /** One variation: `Variation 2:`, `Alternate A:`, `Option 1 (moody):`. */
  | "item"
  /** A heading over a list of variations: `Variations:`, `Here are three ideas:`. */
  | "items"
  /** A remark about the prompt: `Note:`, `Explanation:`, `说明：`. The label itself is dropped. */
  | "note"
  /** A lead-in that introduces the answer and says nothing: `Here you go:`. */
  | "lead"
  /** Any other `Key: value` or heading: kept, label and all, as a note. */
  | "other";

/** A label found at the start of a line. */
export interface LineLabel {
  role: LabelRole;
  /** The text after the label on the same line. */
  rest: string;
  /** The label as written, without markdown, for notes that keep it. */
  label: string;
  /** `Key: value` with an unknown key: a text line, not a section of its own. */
  keyed: boolean;
}

/** A line with its markdown list, quote and heading marks taken off. */
export interface Decorated {
  text: string;
  bullet: boolean;
  number: number | null;
  heading: boolean;
  quote: boolean;
}

/** Longest label we look at: labels are short, and scanning further costs time on long lines. */
const LABEL_SCAN = 200;

const NEGATIVE_WORDS = new Set([
  "negative",
  "avoid",
  "negatives",
  "neg",
  "negativo",
  "negativa",
  "negativer",
  "negatives",
  "negativ",
  "negativ-prompt",
  "négatif",
  "négative",
  "negatif",
]);

const POSITIVE_HEADS = new Set([
  "prompt",
  "positive",
  "positivo",
  "positiva",
  "positiver",
  "positiv",
  "positif",
  "tags",
  "indicación",
]);

const FILLER_WORDS = new Set([
  "the",
  "your",
  "a",
  "an",
  "final",
  "main",
  "image",
  "key",
  "visual",
  "full",
  "complete",
  "updated",
  "revised",
  "refined",
  "improved",
  "enhanced",
  "new",
  "optimized",
  "optimised",
  "text",
  "for",
  "flux",
  "flux.1",
  "sdxl",
  "sd",
  "sd1.5",
  "sd15",
  "sd3",
  "sd3.5",
  "1.5",
  "3.5",
  "xl",
  "pony",
  "illustrious",
  "stable",
  "diffusion",
  "dev",
  "schnell",
  "model",
  "photographic",
  "tag",
  "de",
  "für",
  "pour",
  "para",
  "el",
  "la",
  "le",
  "der",
  "die",
  "das",
  "dein",
  "deine",
  "ihr",
  "votre",
  "ton",
  "tu",
  "su",
  "prompt",
  "–",
  "—",
  "-",
]);

const VARIANT_WORDS = new Set([
  "variation",
  "variant",
  "alternate",
  "alternative",
  "option",
  "version",
  "prompt",
  "idea",
  "concept",
  "take",
  "variación",
  "variante",
  "opción",
  "versión",
]);

const PLURAL_VARIANT_WORDS = new Set([
  "variations",
  "variants",
  "alternates",
  "alternatives",
  "options",
  "ideas",
  "prompts",
  "versions",
  "variaciones",
  "varianten",
  "variantes",
  "alternativas",
  "alternativen",
]);

const NOTE_WORDS = new Set([
  "note",
  "notes",
  "nota",
  "notas",
  "hinweis",
  "hinweise",
  "anmerkung",
  "anmerkungen",
  "remarque",
  "remarques",
  "explanation",
  "explication",
  "explicación",
  "erklärung",
]);

const NOTE_QUALIFIERS = new Set([
  "additional",
  "technical",
  "quick",
  "short",
  "important",
  "extra",
  "brief",
  "a",
  "my",
]);

const LEAD_STARTS = [
  "sure",
  "okay",
  "ok",
  "certainly",
  "of course",
  "absolutely",
  "alright",
  "all right",
  "great",
  "got it",
  "perfect",
  "excellent",
  "no problem",
  "claro",
  "vale",
  "bien sûr",
  "d'accord",
  "gerne",
  "natürlich",
  "klar",
  "voici",
  "here",
  "below",
  "this is",
  "hier ",
];
const LEAD_PHRASES = [
  "here's",
  "here is",
  "here are",
  "here’s",
  "below is",
  "below are",
  "voici",
  "aquí",
  "hier ist",
  "hier sind",
  "hier dein",
  "hier der",
];
const COUNT_WORDS = new Set([
  "three",
  "two",
  "four",
  "five",
  "several",
  "few",
  "some",
  "multiple",
  "2",
  "3",
  "4",
  "5",
]);

const CJK_NEGATIVE = ["负面", "反向", "负向", "反面", "否定", "ネガティブ", "負面"];
const CJK_NOTE = ["说明", "備考", "备注", "注意", "解释", "注释", "メモ", "解説", "説明", "注記"];
const CJK_ITEMS = ["变体", "變體", "バリエーション", "方案"];
const CJK_POSITIVE = ["提示词", "提示詞", "提示语", "プロンプト", "正面", "正向", "ポジティブ"];
const CJK_LEAD = ["以下", "这是", "這是", "下面", "好的", "当然", "はい", "こちら", "了解"];

/** Whether a character is a CJK ideograph or kana. */
function isCjk(c: number): boolean {
  return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf);
}

function hasCjk(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isCjk(s.charCodeAt(i))) return true;
  return false;
}

function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\u00a0" || c === "\u3000";
}

/** Takes quote marks, heading hashes, bullets and list numbers off the start of a line. */
export function decorate(line: string): Decorated {
  let i = 0;
  const n = line.length;
  let quote = false;
  let heading = false;
  let bullet = false;
  let number: number | null = null;
  while (i < n && isSpace(line[i])) i++;
  while (i < n && line[i] === ">") {
    quote = true;
    i++;
    while (i < n && isSpace(line[i])) i++;
  }
  let hashes = 0;
  while (i + hashes < n && line[i + hashes] === "#" && hashes < 7) hashes++;
  if (hashes > 0 && hashes <= 6 && (i + hashes === n || isSpace(line[i + hashes]))) {
    heading = true;
    i += hashes;
    while (i < n && isSpace(line[i])) i++;
  }
  const c = line[i];
  if ((c === "-" || c === "*" || c === "•" || c === "+" || c === "·") && isSpace(line[i + 1])) {
    bullet = true;
    i++;
    while (i < n && isSpace(line[i])) i++;
  }
  let d = i;
  while (d < n && d - i < 3 && line[d]! >= "0" && line[d]! <= "9") d++;
  if (d > i && (line[d] === "." || line[d] === ")") && (d + 1 === n || isSpace(line[d + 1]))) {
    number = Number(line.slice(i, d));
    i = d + 1;
    while (i < n && isSpace(line[i])) i++;
  } else if (line.startsWith("**", i)) {
    // `**1.** text` and `**1. Title:** text`
    let e = i + 2;
    while (e < n && e - i < 5 && line[e]! >= "0" && line[e]! <= "9") e++;
    if (e > i + 2 && line[e] === ".") {
      const closed = line.startsWith(".**", e);
      if (closed || isSpace(line[e + 1])) {
        number = Number(line.slice(i + 2, e));
        let j = closed ? e + 3 : e + 1;
        while (j < n && isSpace(line[j])) j++;
        // A bold title after the number keeps its opening marker.
        const text = closed ? line.slice(j) : "**" + line.slice(j);
        return { text: text.trimEnd(), bullet, number, heading, quote };
      }
    }
  }
  return { text: line.slice(i).trimEnd(), bullet, number, heading, quote };
}

/** Strips markdown emphasis, backticks and stray spaces from both ends of a label. */
function cleanLabelText(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && "*_`#\"'“”„ \t".includes(s[a]!)) a++;
  while (b > a && "*_`#\"'“” \t".includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** Lower-case words of a label with bracketed qualifiers such as `(SDXL)` removed. */
function labelWords(label: string): string[] {
  let out = "";
  let depth = 0;
  for (let i = 0; i < label.length; i++) {
    const c = label[i]!;
    if (c === "(" || c === "[") depth++;
    else if ((c === ")" || c === "]") && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  const words: string[] = [];
  for (const w of out.toLowerCase().split(" ")) {
    const t = stripPunct(w.trim());
    if (t) words.push(t);
  }
  return words;
}

function stripPunct(w: string): string {
  let a = 0;
  let b = w.length;
  while (a < b && "¡¿!?,;.:\"'“”*_`".includes(w[a]!)) a++;
  while (b > a && "¡¿!?,;:\"'“”*_`".includes(w[b - 1]!)) b--;
  // A trailing period ends a sentence, but `flux.1` keeps its dot.
  if (b > a && w[b - 1] === "." && b - a > 1) b--;
  return w.slice(a, b);
}

function isItemId(w: string | undefined): boolean {
  if (!w) return false;
  if (w.length <= 2 && w >= "0" && w[0]! <= "9" && (w.length === 1 || w[1]! <= "9")) return true;
  if (w[0] === "#" && w.length <= 3) return true;
  return w.length === 1 && w >= "a" && w <= "h";
}

function startsWithAny(s: string, starts: readonly string[]): boolean {
  for (const p of starts) if (s.startsWith(p)) return true;
  return false;
}

function includesAny(s: string, parts: readonly string[]): boolean {
  for (const p of parts) if (s.includes(p)) return true;
  return false;
}

function classifyCjk(label: string): LabelRole | null {
  if (label.length > 40) return null;
  if (includesAny(label, CJK_NEGATIVE)) return "negative";
  if (includesAny(label, CJK_ITEMS)) return "items";
  if (label.length <= 8 && includesAny(label, CJK_NOTE)) return "note";
  if (includesAny(label, CJK_POSITIVE)) return "positive";
  if (startsWithAny(label, CJK_LEAD)) return "lead";
  return null;
}

/** The role of a lead-in such as "Sure! Here are three ideas for your scene". */
function classifyLead(lower: string, words: string[]): LabelRole | null {
  let s = lower;
  while (s && "¡¿!*_ ".includes(s[0]!)) s = s.slice(1);
  if (!startsWithAny(s, LEAD_STARTS) && !includesAny(s, LEAD_PHRASES)) return null;
  if (words.some((w) => NEGATIVE_WORDS.has(w))) return "negative";
  const mentionsPrompt = words.some((w) => w === "prompt" || w === "prompts" || w === "tags");
  if (
    words.some((w) => PLURAL_VARIANT_WORDS.has(w)) &&
    (mentionsPrompt || words.some((w) => COUNT_WORDS.has(w) || w.startsWith("variation")))
  ) {
    return "items";
  }
  if (words.some((w) => w.startsWith("variation") || w === "options" || w === "alternatives")) {
    return "items";
  }
  if (mentionsPrompt) return "positive";
  return "lead";
}

/**
 * Whether a whole line only announces the answer: "Sure!", "Here's an SDXL prompt for your
 * request." Such lines carry nothing worth keeping, not even as a note.
 */
export function isLeadIn(text: string): boolean {
  if (text.length > 120) return false;
  let lower = text.toLowerCase();
  while (lower && "¡¿!*_ ".includes(lower[0]!)) lower = lower.slice(1);
  const starts = startsWithAny(lower, LEAD_STARTS);
  if (!starts && !includesAny(lower, LEAD_PHRASES)) return false;
  const words = labelWords(text);
  if (words.length === 0) return false;
  if (words.length <= 3 && starts) return true;
  const role = classifyLead(lower, words);
  return role === "positive" || role === "items";
}

/**
 * Classifies label text. `strict` is for labels followed by text on the same line, where a
 * false label would cut a prompt in two; headings and lines ending in a colon may be looser.
 */
export function classifyLabel(label: string, strict: boolean): LabelRole | null {
  if (!label) return null;
  if (hasCjk(label)) return classifyCjk(label.replaceAll(" ", ""));
  const words = labelWords(label);
  if (words.length === 0) return null;
  const lower = label.toLowerCase();
  const known = (w: string) =>
    NEGATIVE_WORDS.has(w) || POSITIVE_HEADS.has(w) || FILLER_WORDS.has(w);
  const allKnown = words.every(known);
  if (words.some((w) => NEGATIVE_WORDS.has(w)) && (allKnown || (!strict && words.length <= 6))) {
    return "negative";
  }
  if (VARIANT_WORDS.has(words[0]!) && isItemId(words[1])) {
    // `Prompt 1`, `Variation 2 – Night`, `Alternate B`; the words after the id are a title.
    return "item";
  }
  if (words.length <= 5 && words.some((w) => PLURAL_VARIANT_WORDS.has(w))) {
    const lead = classifyLead(lower, words);
    if (lead === "items" || lead === null) return "items";
  }
  if (
    NOTE_WORDS.has(words[words.length - 1]!) &&
    words.slice(0, -1).every((w) => NOTE_QUALIFIERS.has(w))
  ) {
    return "note";
  }
  if (allKnown && words.some((w) => POSITIVE_HEADS.has(w))) return "positive";
  if (words.length === 2 && words[0] === "key" && words[1] === "visual") return "positive";
  const lead = classifyLead(lower, words);
  if (lead) return lead;
  if (!strict && words.length <= 8 && words.some((w) => w === "prompt")) return "positive";
  return null;
}

/** Whether the whole line is one bold span, like `**Creative brief**`. */
function boldSpan(text: string): string | null {
  for (const mark of ["**", "__"]) {
    if (text.length > 4 && text.startsWith(mark) && text.endsWith(mark)) {
      const inner = text.slice(2, -2);
      if (!inner.includes(mark)) return inner;
    }
  }
  return null;
}

function wordCount(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const sp = s[i] === " " || s[i] === "\t";
    if (!sp && !inWord) n++;
    inWord = !sp;
  }
  return n;
}

/** Index of the first colon outside brackets within the first few hundred characters, or -1. */
function labelColon(text: string): number {
  let depth = 0;
  const end = Math.min(text.length, LABEL_SCAN);
  for (let i = 0; i < end; i++) {
    const c = text[i]!;
    if (c === "(" || c === "[" || c === "{" || c === "<") depth++;
    else if ((c === ")" || c === "]" || c === "}" || c === ">") && depth > 0) depth--;
    else if (depth === 0 && (c === ":" || c === "：")) {
      const next = text[i + 1];
      const prev = text[i - 1];
      // 16:9, 3:2 and URLs are not labels.
      if (prev && next && prev >= "0" && prev <= "9" && next >= "0" && next <= "9") continue;
      if (next === "/" && text[i + 2] === "/") return -1;
      return i;
    }
  }
  return -1;
}

/** Reads the label at the start of a decorated line, if there is one. */
export function readLabel(d: Decorated): LineLabel | null {
  const text = d.text;
  const colon = labelColon(text);
  if (colon < 0) {
    const bold = boldSpan(text);
    const body = d.heading ? cleanLabelText(text) : bold === null ? null : cleanLabelText(bold);
    if (body === null || !body || wordCount(body) > 10 || body.length > 80) return null;
    const role = classifyLabel(body, false) ?? "other";
    return { role, rest: "", label: body, keyed: false };
  }
  const label = cleanLabelText(text.slice(0, colon));
  let restStart = colon + 1;
  while (restStart < text.length && "*_ \t".includes(text[restStart]!)) restStart++;
  const rest = text.slice(restStart).trim();
  if (!label) return null;
  const role = classifyLabel(label, rest.length > 0);
  if (role) return { role, rest, label, keyed: false };
  if (!rest) {
    return wordCount(label) <= 15 ? { role: "other", rest: "", label, keyed: false } : null;
  }
  // `Title: …`, `Purpose: …`: a key and a value, kept whole as a line of text.
  if (wordCount(label) <= 4 && !label.includes(",")) {
    return { role: "other", rest, label, keyed: true };
  }
  return null;
}

/** Colons looked at per line, and labels found per line, before the rest is left as text. */
const MAX_INLINE_LOOKS = 200;
const MAX_INLINE_LABELS = 12;

/** A label found in the middle of a line, e.g. the `NEGATIVE:` of `POSITIVE: a, b NEGATIVE: c`. */
export interface InlineLabel {
  /** Where the label (with its bold markers) starts. */
  start: number;
  /** Where the text after it starts. */
  end: number;
  role: LabelRole;
}

const INLINE_CJK: [string, LabelRole][] = [
  ["负面提示词", "negative"],
  ["反向提示词", "negative"],
  ["负向提示词", "negative"],
  ["负面提示", "negative"],
  ["ネガティブプロンプト", "negative"],
  ["说明", "note"],
  ["备注", "note"],
];

function isLetter(c: string): boolean {
  return c.toLowerCase() !== c.toUpperCase() || (c >= "0" && c <= "9");
}

/** Classifies a label phrase found mid-line: only the unmistakable ones count there. */
function classifyInline(phrase: string): LabelRole | null {
  const first = phrase[0]!;
  if (first !== first.toUpperCase() || first === first.toLowerCase()) return null;
  const words = labelWords(phrase);
  if (!words.length) return null;
  const w0 = words[0]!;
  if (NEGATIVE_WORDS.has(w0)) {
    return words.slice(1).every((w) => w === "prompt" || w === "tags") ? "negative" : null;
  }
  if (VARIANT_WORDS.has(w0) && w0 !== "prompt" && words.length === 2 && isItemId(words[1])) {
    return "item";
  }
  if (words.length === 1 && PLURAL_VARIANT_WORDS.has(w0) && w0 !== "ideas" && w0 !== "prompts") {
    return "items";
  }
  if (words.length === 1 && NOTE_WORDS.has(w0)) return "note";
  if (w0 === "positive" && words.slice(1).every((w) => w === "prompt")) return "positive";
  if (words.length === 1 && phrase === "PROMPT") return "positive";
  return null;
}

/**
 * Finds labels in the middle of a line (`… NEGATIVE: …`, `… Alternate A: …`, `… Note: …`),
 * skipping colons inside brackets such as `(tag:1.2)` and `<lora:x:0.8>`.
 */
export function inlineLabels(text: string): InlineLabel[] {
  const found: InlineLabel[] = [];
  let depth = 0;
  let looked = 0;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // ( [ { <  and  ) ] } >
    if (c === 40 || c === 91 || c === 123 || c === 60) depth++;
    else if (c === 41 || c === 93 || c === 125 || c === 62) {
      if (depth > 0) depth--;
    } else if (depth === 0 && (c === 58 || c === 0xff1a)) {
      // A real line holds a handful of labels; a line of thousands of colons is not worth more.
      if (++looked > MAX_INLINE_LOOKS || found.length >= MAX_INLINE_LABELS) break;
      const hit = labelEndingAt(text, i);
      if (hit && (found.length === 0 || hit.start >= found[found.length - 1]!.end)) {
        found.push(hit);
      }
    }
  }
  return found;
}

function labelEndingAt(text: string, colon: number): InlineLabel | null {
  let afterColon = colon + 1;
  while (afterColon < text.length && "*_".includes(text[afterColon]!)) afterColon++;
  for (const [word, role] of INLINE_CJK) {
    const s = colon - word.length;
    if (s > 0 && text.startsWith(word, s)) return { start: s, end: afterColon, role };
  }
  let e = colon;
  let guard = 0;
  while (e > 0 && isSpace(text[e - 1]) && guard++ < 2) e--;
  guard = 0;
  while (e > 0 && "*_".includes(text[e - 1]!) && guard++ < 2) e--;
  if (text[e - 1] === ")") {
    // A qualifier such as `(SDXL)`: looked for within 40 characters only.
    let open = e - 2;
    while (open >= 0 && e - open <= 40 && text[open] !== "(") open--;
    if (open < 0 || text[open] !== "(") return null;
    e = open;
    guard = 0;
    while (e > 0 && isSpace(text[e - 1]) && guard++ < 2) e--;
  }
  // Up to three words back, at most 40 characters; the longest phrase that is a label wins.
  let s = e;
  let best: InlineLabel | null = null;
  for (let words = 0; words < 3; words++) {
    let w = s;
    while (w > 0 && isLetter(text[w - 1]!) && e - w < 40) w--;
    if (w === s) break;
    s = w;
    let b = s;
    let g = 0;
    while (b > 0 && "*_".includes(text[b - 1]!) && g++ < 2) b--;
    const before = b > 0 ? text[b - 1]! : "";
    if (!before || isSpace(before) || ".,;!?)\"”'|。，".includes(before)) {
      const role = classifyInline(text.slice(s, e));
      if (role) best = { start: b, end: afterColon, role };
    }
    if (s === 0 || !isSpace(text[s - 1])) break;
    s--;
  }
  return best;
}
