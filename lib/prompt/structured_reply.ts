/** Reads JSON replies (`{"positive": …, "negative": …}`), bare, fenced or with chatter around. */
import { fieldOfKey, isWrapperKey } from "./reply_fields.ts";
import { JsonReplyStream } from "./json_reply_stream.ts";
import { decorate, readLabel } from "./reply_labels.ts";
import { cleanPrompt, isNoneText, joinNotes, noteLine } from "./reply_text.ts";
import type { ParsedReply, ParseOptions } from "./reply_types.ts";

const DEFAULT_OPTIONS: ParseOptions = { style: "prose", negative: true };

interface Found {
  positive?: unknown;
  negative?: unknown;
  alternates?: unknown;
  notes?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The fields of an object, the first key of each kind winning; wrapper objects searched once. */
function fieldsOf(obj: Record<string, unknown>, nested: boolean): Found {
  const found: Found = {};
  for (const [key, value] of Object.entries(obj)) {
    const field = fieldOfKey(key);
    if (isWrapperKey(key) && isObject(value) && !nested) {
      const inner = fieldsOf(value, true);
      for (const k of ["positive", "negative", "alternates", "notes"] as const) {
        if (found[k] === undefined && inner[k] !== undefined) found[k] = inner[k];
      }
      continue;
    }
    if (!field || found[field] !== undefined) continue;
    if (field === "positive" || field === "negative") {
      if (typeof value === "string" || Array.isArray(value)) found[field] = value;
    } else found[field] = value;
  }
  return found;
}

function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.filter((x) => typeof x === "string").join(", ");
  return "";
}

/** Where a JSON value starts: `open` as the first thing on a line, or -1. */
function valueStart(text: string, open: string): number {
  let at = text.indexOf(open);
  while (at >= 0) {
    let i = at - 1;
    while (i >= 0 && (text[i] === " " || text[i] === "\t")) i--;
    if (i < 0 || text[i] === "\n" || text[i] === "\r") return at;
    at = text.indexOf(open, at + 1);
  }
  return -1;
}

/** `[{…}, {…}]`: the first object is the answer, the others are alternates. */
function fromArray(value: unknown[]): Found | null {
  const objects = value.filter(isObject);
  if (!objects.length) return null;
  const found = fieldsOf(objects[0]!, false);
  if (found.positive === undefined) return null;
  if (found.alternates === undefined && objects.length > 1) found.alternates = objects.slice(1);
  return found;
}

/** Chatter around the JSON, as notes: fences and lead-ins go. */
function notesAround(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const t = raw.trim();
    if (!t || t.startsWith("```") || t.startsWith("~~~")) continue;
    const d = decorate(raw);
    const label = readLabel(d);
    if (label && !label.rest && ["lead", "positive", "items"].includes(label.role)) continue;
    out.push(noteLine(d.text, d.bullet, d.number));
  }
  return out;
}

function lenient(json: string): Found | null {
  const stream = new JsonReplyStream();
  const parts = [...stream.push(json), ...stream.end()];
  if (stream.notJson) return null;
  const found: Found = {};
  for (const p of parts) found[p.field] = ((found[p.field] as string | undefined) ?? "") + p.text;
  return found.positive === undefined ? null : found;
}

/**
 * Reads a structured reply: a JSON object, bare, in a code fence or with chatter around it,
 * with keys like positive/prompt/positive_prompt, negative/negative_prompt,
 * alternates/variations and notes. A trailing comma or other slip a strict parser rejects is
 * tolerated for the prompt fields. Returns null when the text is not a usable JSON object.
 */
export function parseStructured(
  text: string,
  options: ParseOptions = DEFAULT_OPTIONS,
): ParsedReply | null {
  let start = valueStart(text, "{");
  const arrayAt = valueStart(text, "[");
  const isArray = arrayAt >= 0 && (start < 0 || arrayAt < start);
  if (isArray) start = arrayAt;
  if (start < 0) return null;
  const end = text.lastIndexOf(isArray ? "]" : "}");
  let found: Found | null = null;
  let whole = false;
  if (end > start) {
    try {
      // An escaped NUL is dropped, as the clients drop one sent raw.
      const value: unknown = JSON.parse(
        text.slice(start, end + 1),
        (_key, v) => typeof v === "string" && v.includes("\0") ? v.replaceAll("\0", "") : v,
      );
      if (Array.isArray(value)) found = fromArray(value);
      else if (isObject(value)) {
        found = fieldsOf(value, false);
        whole = !text.slice(0, start).trim() && !text.slice(end + 1).trim();
        if (found.positive === undefined && whole) {
          // A bare object with an unusual key: its longest string is the prompt.
          const strings = Object.values(value).filter((v) => typeof v === "string") as string[];
          if (strings.length) {
            found.positive = strings.reduce((a, b) => b.length > a.length ? b : a);
          }
        }
      }
    } catch {
      found = null;
    }
  }
  if (!found && !isArray) found = lenient(text.slice(start));
  if (!found || found.positive === undefined) return null;

  const after = end > start ? text.slice(end + 1) : "";
  const notes = notesAround(text.slice(0, start));
  notes.push(...notesOf(found.notes), ...notesAround(after));
  const positive = cleanPrompt([unlabelled(textOf(found.positive), "positive")], options.style);
  const negativeText = cleanPrompt([unlabelled(textOf(found.negative), "negative")], "tags");
  return {
    positive,
    negative: options.negative && !isNoneText(negativeText) ? negativeText : null,
    alternates: alternatesOf(found.alternates, options),
    notes: joinNotes(notes),
    labeled: true,
    kind: positive ? "prompt" : "empty",
    thinking: null,
  };
}

/**
 * A value without the label a model wrote into it anyway (`{"positive": "PROMPT: a fox"}`):
 * a schema fixes the shape of a reply, not what the model puts in the strings.
 */
function unlabelled(text: string, role: "positive" | "negative"): string {
  const label = readLabel(decorate(text.slice(0, 400)));
  if (!label || label.keyed || !label.rest) return text;
  const fits = role === "negative" ? label.role === "negative" : label.role === "positive" ||
    label.role === "lead";
  if (!fits) return text;
  // The label's line is cut off its start; the rest of the value follows unchanged.
  const at = text.indexOf(label.rest.slice(0, 40));
  return at < 0 ? text : text.slice(at);
}

function notesOf(v: unknown): string[] {
  if (typeof v === "string") return v.split("\n").map((l) => l.trim());
  if (Array.isArray(v)) return v.filter((x) => typeof x === "string").map((x) => x.trim());
  return [];
}

function alternatesOf(v: unknown, options: ParseOptions): string[] {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  const out: string[] = [];
  for (const item of list) {
    const raw = isObject(item) ? textOf(fieldsOf(item, true).positive) : textOf(item);
    const text = cleanPrompt([raw], options.style);
    if (text && out.length < 20) out.push(text);
  }
  return out;
}
