/**
 * Turns a local model's finished reply into the prompt the user sees. Real models wrap their
 * answer in reasoning, greetings, markdown, labels in many languages, variations and remarks;
 * this keeps the prompt and sorts the rest into alternates and notes.
 */
import {
  decorate,
  type Decorated,
  inlineLabels,
  isLeadIn,
  type LineLabel,
  readLabel,
} from "./reply_labels.ts";
import {
  cleanPrompt,
  isAside,
  isChatter,
  isNoneText,
  joinNotes,
  noteLine,
  splitTrailingChatter,
  startsSentence,
  stripWrapping,
  unbold,
} from "./reply_text.ts";
import { splitThinking } from "./thinking.ts";
import { parseStructured } from "./structured_reply.ts";
import type { ParsedReply, ParseOptions } from "./reply_types.ts";

export type { ParsedReply, ParseOptions, PromptStyle, ReplyKind } from "./reply_types.ts";
export { parseStructured } from "./structured_reply.ts";

/** At most this many alternates are kept: a reply listing hundreds is not offering choices. */
const MAX_ALTERNATES = 20;
/**
 * Answer text read, after reasoning is split off. A prompt reply is a few kilobytes; the
 * limit keeps a runaway model from costing more than a few milliseconds.
 */
export const MAX_ANSWER_CHARS = 32 * 1024;
/** Answer lines read: a reply is a few dozen lines; thousands are a model gone wrong. */
const MAX_ANSWER_LINES = 400;

type Role = "positive" | "negative" | "item" | "items" | "note" | "other" | "plain" | "chatter";

interface Line {
  text: string;
  d: Decorated;
}

interface Section {
  role: Role;
  lines: Line[];
  /** Marked by a label, a heading or a lead-in (not guessed). */
  labeled: boolean;
  fenced: boolean;
  /** A numbered line with no heading above it: a variation only when nothing is labelled. */
  implicit: boolean;
  /** Header text kept in notes (`Key elements:`), for `other` sections. */
  header: string | null;
  /** For a negative: the variation block it belongs to. */
  block: Section | null;
  /** The block is finished (a blank line after its content). */
  closed: boolean;
}

/** One physical line, or a part of one cut at an inline label. */
interface Piece {
  text: string;
  d: Decorated;
  label: LineLabel | null;
}

const PLAIN: Decorated = { text: "", bullet: false, number: null, heading: false, quote: false };

function section(role: Role, labeled: boolean): Section {
  return {
    role,
    lines: [],
    labeled,
    fenced: false,
    implicit: false,
    header: null,
    block: null,
    closed: false,
  };
}

function isFence(line: string): boolean {
  let i = 0;
  while (i < line.length && i < 40 && (line[i] === " " || line[i] === "\t")) i++;
  return line.startsWith("```", i) || line.startsWith("~~~", i);
}

function isRule(t: string): boolean {
  if (t.length < 3 || t.length > 80) return false;
  const c = t[0]!;
  if (c !== "-" && c !== "*" && c !== "_" && c !== "=") return false;
  for (const x of t) if (x !== c && x !== " ") return false;
  return true;
}

/** Cuts one decorated line at its labels: the leading one and any in the middle. */
function piecesOf(d: Decorated): Piece[] {
  const label = readLabel(d);
  const body = label && !label.keyed ? label.rest : d.text;
  const cuts = inlineLabels(body);
  if (!cuts.length) return [{ text: body, d, label }];
  const out: Piece[] = [{ text: body.slice(0, cuts[0]!.start).trim(), d, label }];
  for (let k = 0; k < cuts.length; k++) {
    const cut = cuts[k]!;
    const rest = body.slice(cut.end, k + 1 < cuts.length ? cuts[k + 1]!.start : body.length).trim();
    const written = body.slice(cut.start, cut.end);
    out.push({
      text: rest,
      d: PLAIN,
      label: { role: cut.role, rest, label: written, keyed: false },
    });
  }
  return out;
}

/** Takes a short title off a variation: `**Neon alley:** tags`, `Misty Dawn – A lighthouse…`. */
function untitled(p: Piece): string {
  if (p.label?.keyed) return p.label.rest;
  const t = p.text;
  if (t.startsWith("**")) {
    const close = t.indexOf("**", 2);
    if (close > 2 && close < 80) {
      let j = close + 2;
      while (j < t.length && t[j] === " ") j++;
      if (t[close - 1] === ":" || t[close - 1] === "：") return t.slice(j);
      if (":-–—".includes(t[j] ?? "x") && t[j + 1] === " ") return t.slice(j + 2);
    }
  }
  return t;
}

class Sections {
  readonly all: Section[] = [];
  cur: Section | null = null;
  /** A header whose list items follow (`Variations:`, `Notes:`, `Key elements:`). */
  list: Section | null = null;
  /** The open variation block (`Prompt 2:` … its positive and negative). */
  block: Section | null = null;
  inFence = false;

  open(role: Role, labeled: boolean): Section {
    const s = section(role, labeled);
    this.all.push(s);
    this.cur = s;
    return s;
  }

  add(s: Section, text: string, d: Decorated): void {
    if (text) s.lines.push({ text, d });
  }

  blank(): void {
    if (this.inFence) return;
    if (this.cur && this.cur.lines.length) this.cur = null;
    if (this.block?.lines.length) this.block.closed = true;
  }

  fence(): void {
    this.inFence = !this.inFence;
    if (this.inFence) {
      if (this.cur && !this.cur.lines.length) this.cur.fenced = true;
      else this.open("plain", false).fenced = true;
      this.list = null;
    } else {
      this.cur = null;
    }
  }

  labelled(p: Piece): void {
    const label = p.label!;
    const text = p.text;
    switch (label.role) {
      case "positive":
      case "lead": {
        if (label.role === "lead" && !text) {
          this.cur = null;
          return;
        }
        const b = this.block;
        if (b && !b.closed && !b.lines.length) {
          // `Prompt 2:` then `Positive: …`: the text belongs to the variation.
          this.cur = b;
          this.add(b, text, p.d);
        } else this.add(this.open("positive", true), text, p.d);
        this.list = null;
        return;
      }
      case "negative": {
        const s = this.open("negative", true);
        s.block = this.block && !this.block.closed ? this.block : null;
        this.add(s, text, p.d);
        this.list = null;
        return;
      }
      case "item": {
        const s = this.open("item", true);
        this.block = s;
        this.list = null;
        this.add(s, text, p.d);
        return;
      }
      case "items": {
        this.list = this.open("items", true);
        this.block = null;
        if (text) this.add(this.open("item", true), text, p.d);
        return;
      }
      case "note": {
        this.list = this.open("note", true);
        this.add(this.list, text, p.d);
        return;
      }
      case "other": {
        const s = this.open("other", false);
        s.header = label.label + (p.d.heading || !p.d.text.includes(":") ? "" : ":");
        this.list = s;
        return;
      }
    }
  }

  plain(p: Piece, prev: Line | null): void {
    const listItem = p.d.bullet || p.d.number !== null;
    const list = this.list;
    if (list && listItem && !this.inFence) {
      if (list.role === "items") {
        const item = this.open("item", true);
        this.add(item, untitled(p), p.d);
      } else {
        this.cur = list;
        this.add(list, p.text, p.d);
      }
      return;
    }
    if (list && !listItem && this.cur !== list && this.cur?.role !== "item") this.list = null;
    if (!this.inFence && !listItem && isLeadIn(p.text)) {
      this.cur = null;
      return;
    }
    const cur = this.cur;
    if (p.d.number !== null && !this.inFence && (!cur || cur.implicit || cur.role === "chatter")) {
      const s = this.open("item", false);
      s.implicit = true;
      this.add(s, untitled(p), p.d);
      return;
    }
    if (cur) {
      if (cur.role === "items") {
        this.add(this.open("item", true), untitled(p), p.d);
        this.cur = cur;
        return;
      }
      const prompt = cur.role === "positive" || cur.role === "negative" ||
        cur.role === "item" || cur.role === "plain";
      const breaks = prompt && !this.inFence && cur.lines.length > 0 &&
        ((p.label?.keyed && cur.role !== "plain") || isAside(p.text) ||
          (startsSentence(prev?.text ?? "", p.text) && isChatter(p.text)));
      if (!breaks) {
        this.add(cur, p.text, p.d);
        return;
      }
      this.add(this.open(p.label?.keyed ? "plain" : "chatter", false), p.text, p.d);
      return;
    }
    this.add(this.open(isChatter(p.text) ? "chatter" : "plain", false), p.text, p.d);
  }
}

function readSections(content: string): Sections {
  const st = new Sections();
  let prev: Line | null = null;
  for (const raw of content.split("\n", MAX_ANSWER_LINES)) {
    if (isFence(raw)) {
      st.fence();
      continue;
    }
    const trimmed = raw.trim();
    if (!trimmed || (!st.inFence && isRule(trimmed))) {
      st.blank();
      continue;
    }
    const d = decorate(raw);
    for (const p of piecesOf(d)) {
      if (p.label && !p.label.keyed) st.labelled(p);
      else if (p.text) st.plain(p, prev);
      if (p.text) prev = { text: p.text, d: p.d };
    }
  }
  return st;
}

/** Prompt text of a section, with remarks on its last line split off. */
function promptOf(s: Section, options: ParseOptions): { text: string; trailers: string[] } {
  const lines = s.lines.map((l) => l.text);
  if (!lines.length) return { text: "", trailers: [] };
  const last = splitTrailingChatter(unbold(lines[lines.length - 1]!));
  lines[lines.length - 1] = last.text;
  return { text: cleanPrompt(lines, options.style), trailers: last.trailers };
}

function noteLinesOf(s: Section): string[] {
  const out: string[] = [];
  if (s.header) out.push(noteLine(s.header, false, null));
  for (const l of s.lines) out.push(noteLine(stripWrapping(l.text), l.d.bullet, l.d.number));
  return out;
}

/** Every line of the reply as a note: what a question or remark-only reply shows. */
function allAsNotes(content: string): string | null {
  const lines: string[] = [];
  for (const raw of content.split("\n", MAX_ANSWER_LINES)) {
    if (isFence(raw) || !raw.trim() || isRule(raw.trim())) continue;
    const d = decorate(raw);
    lines.push(noteLine(d.text, d.bullet, d.number));
  }
  return joinNotes(lines);
}

function hasText(s: Section): boolean {
  return s.lines.some((l) => l.text.trim().length > 0);
}

/** Whether a numbered line reads like a whole prompt rather than a single tag or a tip. */
function promptLike(s: Section): boolean {
  const text = s.lines.map((l) => l.text).join(" ");
  let words = 0;
  for (const w of text.split(" ")) if (w) words++;
  return words >= 4 && !isChatter(text);
}

function emptyReply(thinking: string | null): ParsedReply {
  return {
    positive: "",
    negative: null,
    alternates: [],
    notes: null,
    labeled: false,
    kind: thinking ? "reasoning_only" : "empty",
    thinking,
  };
}

function questionReply(content: string, thinking: string | null, labeled: boolean): ParsedReply {
  return {
    positive: "",
    negative: null,
    alternates: [],
    notes: allAsNotes(content),
    labeled,
    kind: "question",
    thinking,
  };
}

/**
 * Splits a model's reply into the prompt, negative, alternates and notes. Handles reasoning
 * blocks, JSON replies, labels in any case and several languages, markdown, fences, quotes,
 * variations, token counts and remarks before or after the prompt. What cannot be labelled is
 * taken as the prompt with the chatter removed.
 */
export function parseReply(raw: string, options: ParseOptions): ParsedReply {
  const { content: whole, thinking } = splitThinking(raw);
  const max = options.maxChars ?? MAX_ANSWER_CHARS;
  const capped = whole.length > max ? whole.slice(0, max) : whole;
  // One optional character after \r: nothing to backtrack over.
  const content = capped.includes("\r") ? capped.replace(/\r\n?/g, "\n") : capped;
  if (!content.trim()) return emptyReply(thinking);

  const structured = parseStructured(content, options);
  if (structured) return { ...structured, thinking };

  const st = readSections(content);
  const sections = st.all.filter((s) => s.role !== "items");
  const positives = sections.filter((s) => s.role === "positive" && hasText(s));
  const items = sections.filter((s) => s.role === "item" && hasText(s));
  const labelledItems = items.filter((s) => !s.implicit);

  let chosen: Section | null = null;
  let labeled = false;
  const alternates: Section[] = [];
  if (positives.length) {
    chosen = positives[0]!;
    labeled = true;
    alternates.push(...positives.slice(1), ...labelledItems);
  } else if (labelledItems.length || items.some(promptLike)) {
    const usable = labelledItems.length ? labelledItems : items.filter(promptLike);
    chosen = usable[0]!;
    labeled = !chosen.implicit;
    alternates.push(...usable.slice(1));
    // Numbered lines that did not read as prompts are remarks.
  } else {
    const plain = sections.filter((s) => s.role === "plain" && hasText(s));
    chosen = plain.find((s) => s.fenced) ?? plain.find((s) => !isChatter(textOf(s), true)) ??
      null;
    labeled = chosen?.fenced ?? false;
  }
  if (!chosen || (options.requireLabel && !labeled)) {
    return questionReply(content, thinking, labeled);
  }

  const negatives = sections.filter((s) => s.role === "negative" && hasText(s));
  const negative = negatives.find((s) => s.block === chosen) ??
    negatives.find((s) => s.block === null) ?? null;

  const used = new Set<Section>([chosen, ...alternates]);
  if (negative) used.add(negative);
  const notes: string[] = [];
  let positive = "";
  let negativeText: string | null = null;
  const alternateTexts: string[] = [];
  for (const s of sections) {
    if (s === chosen) {
      const p = promptOf(s, options);
      positive = p.text;
      notes.push(...p.trailers);
    } else if (s === negative) {
      const n = promptOf(s, { ...options, style: "tags" });
      negativeText = options.negative && !isNoneText(n.text) ? n.text : null;
      notes.push(...n.trailers);
    } else if (used.has(s)) {
      if (alternateTexts.length >= MAX_ALTERNATES) continue;
      const a = promptOf(s, options);
      if (a.text) alternateTexts.push(a.text);
      notes.push(...a.trailers);
    } else if (
      s.role !== "negative" && s.role !== "positive" && !(s.role === "item" && !s.implicit)
    ) {
      notes.push(...noteLinesOf(s));
    }
  }
  if (!positive) return questionReply(content, thinking, labeled);
  return {
    positive,
    negative: negativeText || null,
    alternates: alternateTexts,
    notes: joinNotes(notes),
    labeled,
    kind: "prompt",
    thinking,
  };
}

function textOf(s: Section): string {
  return s.lines.map((l) => l.text).join(" ");
}
