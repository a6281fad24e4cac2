import { joinLines } from "../app/text_scan.ts";
import { z } from "zod";
import {
  HISTORY_MODES,
  type HistoryEntry,
  type HistoryStore,
  inTransaction,
  type NewHistoryEntry,
} from "./store.ts";
import { AppError, badInput } from "../app/errors.ts";
import { findNul, nulMessage } from "../app/nul.ts";

/** Export formats `GET /history/export` offers. */
export const EXPORT_FORMATS = ["json", "csv", "txt"] as const;
/** One export format. */
export type ExportFormat = typeof EXPORT_FORMATS[number];

const CSV_COLUMNS = [
  "id",
  "timestamp",
  "mode",
  "model",
  "ollama_model",
  "engine",
  "user_input",
  "positive",
  "negative",
  "generated_output",
  "presets",
  "seed",
  "temperature",
  "favorite",
  // A JSON list, as presets are.
  "alternates",
  "notes",
] as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  // Cells that a spreadsheet would run as a formula are prefixed, as OWASP advises.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function jsonEntry(e: HistoryEntry): string {
  const { snippet: _s, ...rest } = e;
  return JSON.stringify(rest);
}

/**
 * Streams the whole history, oldest first, one page at a time so that 100,000 rows never sit in
 * memory at once. JSON is `{version, exported_at, entries: [...]}`; TXT is one prompt per line.
 */
export function exportStream(
  store: HistoryStore,
  format: ExportFormat,
  now: Date,
): { body: ReadableStream<Uint8Array>; contentType: string } {
  const encoder = new TextEncoder();
  const rows = store.iterate(500);
  let first = true;
  let ended = false;
  const contentType = {
    json: "application/json; charset=utf-8",
    csv: "text/csv; charset=utf-8",
    txt: "text/plain; charset=utf-8",
  }[format];
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (ended) return;
      const parts: string[] = [];
      if (first) {
        if (format === "json") {
          parts.push(
            `{"version":1,"exported_at":${JSON.stringify(now.toISOString())},"entries":[\n`,
          );
        }
        if (format === "csv") parts.push(`${CSV_COLUMNS.join(",")}\r\n`);
      }
      for (let i = 0; i < 500; i++) {
        const next = rows.next();
        if (next.done) {
          ended = true;
          break;
        }
        const e = next.value;
        if (format === "json") parts.push(`${first && i === 0 ? "" : ",\n"}${jsonEntry(e)}`);
        else if (format === "csv") {
          parts.push(`${CSV_COLUMNS.map((c) => csvCell(e[c])).join(",")}\r\n`);
        } else {
          const line = joinLines(
            e.negative ? `${e.positive} --neg ${e.negative}` : e.positive || e.generated_output,
          );
          parts.push(`${line}\n`);
        }
      }
      first = false;
      if (ended && format === "json") parts.push("\n]}\n");
      if (parts.length) controller.enqueue(encoder.encode(parts.join("")));
      if (ended) controller.close();
    },
  });
  return { body, contentType };
}

/** The earliest and latest times an imported entry may carry (UTC). */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * An ISO 8601 time with its offset, inside 1970–9999 once in UTC: anything else would be stored
 * as a time our own export writes in a form (`-000001-…`, `+010000-…`) that no import accepts.
 */
const Timestamp = z.string().datetime({ offset: true }).refine((text) => {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= EARLIEST && ms <= LATEST;
}, "must be a real time between 1970-01-01 and 9999-12-31 (UTC), as the export writes it");

const ImportEntry = z.object({
  timestamp: Timestamp,
  user_input: z.string().max(100_000),
  generated_output: z.string().max(1_000_000),
  positive: z.string().max(1_000_000).optional(),
  negative: z.string().max(1_000_000).nullish(),
  model: z.string().min(1).max(100),
  ollama_model: z.string().max(200).nullish(),
  presets: z.record(z.string(), z.unknown()).nullish(),
  mode: z.enum(HISTORY_MODES),
  engine: z.enum(["ollama", "composer", "metadata"]).optional(),
  seed: z.number().int().nullish(),
  temperature: z.number().nullish(),
  eval_count: z.number().int().nullish(),
  prompt_eval_count: z.number().int().nullish(),
  duration_ms: z.number().int().nullish(),
  favorite: z.boolean().optional(),
  alternates: z.array(z.string().max(1_000_000)).max(100).nullish(),
  notes: z.string().max(1_000_000).nullish(),
});

/** What an import did. */
export interface ImportReport {
  imported: number;
  duplicates: number;
  invalid: number;
  errors: string[];
}

function notJson(): AppError {
  return badInput("body: not valid JSON; send a file made by GET /history/export?format=json");
}

function noEntries(): AppError {
  return badInput(
    "entries: expected a JSON export of the history (an object with an entries list)",
    "invalid_input",
    { list: "export" },
  );
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * Cuts the entries out of an export as its text arrives, so no step handles the whole file: the
 * items of a bare list, or of the top-level `entries` list of an object, come out one JSON text
 * each. Everything else (the object around the list) is kept as a small "skeleton" with the list
 * left empty, and parsed at the end, so the whole must still be JSON. Elements are checked by
 * `JSON.parse` one by one; the splitter only tracks strings and nesting.
 */
export class JsonListSplitter {
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Depth inside the entries list (1 for a bare list, 2 for an object's), or 0 before it. */
  #listDepth = 0;
  #listDone = false;
  #inElement = false;
  #element = "";
  #skeleton = "";
  #top: "list" | "object" | null = null;
  /** The raw text of the last string at the object's top level (capped), while it is read. */
  #key: string | null = null;
  /** Whether the last top-level token was the key `"entries"` (1), then its colon (2), or not (0). */
  #entriesKey: 0 | 1 | 2 = 0;

  /** Feeds the next piece of text; returns the elements it completed. */
  feed(text: string): string[] {
    const out: string[] = [];
    let elementFrom = this.#inElement ? 0 : -1;
    let skeletonFrom = this.#inList() ? -1 : 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (code === BACKSLASH) this.#escaped = true;
        else if (code === QUOTE) {
          this.#inString = false;
          if (this.#key !== null) this.#entriesKey = this.#key === "entries" ? 1 : 0;
          this.#key = null;
          continue;
        }
        if (this.#key !== null && this.#key.length <= 8) this.#key += text[i];
        continue;
      }
      if (this.#top === null) {
        if (isSpace(code)) continue;
        if (code === OPEN_BRACKET) this.#top = "list";
        else if (code === OPEN_BRACE) this.#top = "object";
        else throw notJson();
      }
      // At list level, between elements: an element starts at anything but space and comma.
      if (this.#inList() && this.#depth === this.#listDepth && !this.#inElement) {
        if (isSpace(code) || code === COMMA) continue;
        if (code === CLOSE_BRACKET) {
          this.#depth--;
          this.#listDepth = 0;
          this.#listDone = true;
          skeletonFrom = i;
          continue;
        }
        this.#inElement = true;
        elementFrom = i;
      }
      // Whether `[` opens the entries list is decided by the tokens before it, kept as they
      // pass: testing the text read so far at each `[` made a document of lists quadratic.
      const opensEntries = this.#entriesKey === 2;
      if (!isSpace(code)) {
        this.#entriesKey = code === COLON && this.#entriesKey === 1 && this.#depth === 1 ? 2 : 0;
      }
      if (code === QUOTE) {
        this.#inString = true;
        if (this.#top === "object" && this.#depth === 1) this.#key = "";
        continue;
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        this.#depth++;
        if (
          code === OPEN_BRACKET && !this.#listDone && !this.#inList() &&
          (this.#top === "list" ? this.#depth === 1 : this.#depth === 2 && opensEntries)
        ) {
          // The list itself stays in the skeleton as `[]`; its items are cut out.
          this.#skeleton = `${this.#skeletonWith(text, skeletonFrom, i)}[`;
          skeletonFrom = -1;
          this.#listDepth = this.#depth;
        }
      } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        this.#depth--;
        if (this.#depth < 0) throw notJson();
      }
      if (this.#inElement) {
        const ends = this.#depth === this.#listDepth &&
          (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET);
        if (ends) {
          // A container ends with its closing bracket; a bare value before the comma.
          const end = code === COMMA ? i : i + 1;
          out.push(this.#element + text.slice(elementFrom, end));
          this.#element = "";
          this.#inElement = false;
          elementFrom = -1;
        } else if (this.#depth < this.#listDepth) {
          // `]` right after a bare value: the value ends and so does the list.
          out.push(this.#element + text.slice(elementFrom, i));
          this.#element = "";
          this.#inElement = false;
          elementFrom = -1;
          this.#listDepth = 0;
          this.#listDone = true;
          skeletonFrom = i;
        }
      }
    }
    if (this.#inElement && elementFrom >= 0) this.#element += text.slice(elementFrom);
    if (skeletonFrom >= 0) this.#skeleton += text.slice(skeletonFrom);
    if (this.#element.length > 8 * 1024 * 1024) throw notJson();
    return out;
  }

  /** Checks that the text was one whole JSON value holding the list; throws a 400 if not. */
  end(): void {
    if (this.#inString || this.#depth !== 0 || this.#inElement || this.#top === null) {
      throw notJson();
    }
    let skeleton: unknown;
    try {
      skeleton = JSON.parse(this.#skeleton);
    } catch {
      throw notJson();
    }
    if (!this.#listDone) throw noEntries();
    if (this.#top === "object" && !Array.isArray((skeleton as { entries?: unknown }).entries)) {
      throw noEntries();
    }
  }

  #inList(): boolean {
    return this.#listDepth > 0;
  }

  #skeletonWith(text: string, from: number, to: number): string {
    return from >= 0 ? this.#skeleton + text.slice(from, to) : this.#skeleton;
  }
}

/** The 413 for an import, naming the import's own limit. */
export function importTooLarge(maxBytes: number): AppError {
  return new AppError(
    413,
    "Payload too large",
    `The import is larger than ${
      Math.round(maxBytes / 1024 / 1024)
    } MB: split the export (e.g. by date) and import the parts.`,
    "payload_too_large",
  );
}

/** Rows gathered before they are written (a transaction also ends when its time slice does). */
const ROWS_PER_CHUNK = 250;
/** Work between two yields to the event loop, in milliseconds. */
const SLICE_MS = 8;

/** Bytes decoded and scanned at a time. */
const READ_SLICE = 128 * 1024;

/** Decodes the next bytes of a UTF-8 body (none: the end); text that is not UTF-8 is a 400. */
function decodeSlice(decoder: TextDecoder, bytes?: Uint8Array): string {
  try {
    return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
  } catch {
    throw badInput("body: not UTF-8 text; send a file made by GET /history/export?format=json");
  }
}

/** Lets timers and other requests run. */
function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Imports a JSON export (or a bare list of entries) as its body arrives, in chunks of a few
 * hundred rows with a pause between them, so other requests are served during a long import.
 * It is still all or nothing: every row carries the import's id until it ends, and any failure
 * (bad JSON half-way, a full disk, a crash) removes the rows written so far. Entries already
 * present (same time, input, output, target and mode) are skipped, so importing twice is safe.
 */
export async function importStream(
  store: HistoryStore,
  body: ReadableStream<Uint8Array>,
  maxBytes = Infinity,
): Promise<ImportReport> {
  let bytes = 0;
  const report: ImportReport = { imported: 0, duplicates: 0, invalid: 0, errors: [] };
  const splitter = new JsonListSplitter();
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const importId = store.beginImport();
  let index = 0;
  let pending: NewHistoryEntry[] = [];
  let sliceStart = performance.now();
  /** Lets others run once this turn has worked its slice. */
  const pause = async () => {
    if (performance.now() - sliceStart <= SLICE_MS) return;
    await yieldToOthers();
    sliceStart = performance.now();
  };
  /** Writes waiting rows, one transaction per slice of time, so a slow disk or CPU still yields. */
  const writePending = async (all: boolean) => {
    while (pending.length >= (all ? 1 : ROWS_PER_CHUNK)) {
      let n = 0;
      store.write(() =>
        inTransaction(store.db, () => {
          while (n < pending.length) {
            if (store.addIfNew(pending[n++]!) === null) report.duplicates++;
            else report.imported++;
            if (n % 16 === 0 && performance.now() - sliceStart > SLICE_MS) break;
          }
        })
      );
      pending = pending.slice(n);
      await pause();
    }
  };
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.length;
      if (bytes > maxBytes) throw importTooLarge(maxBytes);
      // A body can arrive as one piece of many megabytes: it is read a slice at a time.
      for (let at = 0; at < value.length; at += READ_SLICE) {
        for (
          const text of splitter.feed(decodeSlice(decoder, value.subarray(at, at + READ_SLICE)))
        ) {
          const entry = toEntry(text, index++, report);
          if (entry) pending.push({ ...entry, import_id: importId });
          if (pending.length >= ROWS_PER_CHUNK) await writePending(false);
          else await pause();
        }
        await pause();
      }
    }
    splitter.feed(decodeSlice(decoder));
    splitter.end();
    await writePending(true);
    store.endImport(importId);
    return report;
  } catch (err) {
    await reader.cancel().catch(() => {});
    await removeImport(store, importId);
    throw err;
  }
}

/** Takes back what a failed import wrote, a chunk at a time. */
async function removeImport(store: HistoryStore, importId: number): Promise<void> {
  while (store.removeImportRows(importId, 2_000) > 0) await yieldToOthers();
  store.endImport(importId);
}

/** One entry's text as a row to store, or null (counted as invalid) when it is not one. */
function toEntry(text: string, index: number, report: ImportReport): NewHistoryEntry | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw notJson();
  }
  const nul = findNul(raw);
  if (nul) {
    const field = nul.field === "body" ? `entries.${index}` : `entries.${index}.${nul.field}`;
    throw badInput(nulMessage({ ...nul, field }));
  }
  const parsed = ImportEntry.safeParse(raw);
  if (!parsed.success) {
    report.invalid++;
    const issue = parsed.error.issues[0]!;
    if (report.errors.length < 10) {
      report.errors.push(`entries.${index}.${issue.path.join(".")}: ${issue.message}`);
    }
    return null;
  }
  const e = parsed.data;
  return {
    ...e,
    positive: e.positive ?? e.generated_output,
    negative: e.negative ?? null,
    ollama_model: e.ollama_model ?? null,
    presets: e.presets ?? {},
    timestamp: new Date(e.timestamp).toISOString(),
  };
}
