import { joinLines } from "../app/text_scan.ts";
import { z } from "zod";
import {
  HISTORY_MODES,
  type HistoryEntry,
  type HistoryStore,
  type NewHistoryEntry,
} from "./store.ts";
import { badInput } from "../app/errors.ts";

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

const ImportEntry = z.object({
  timestamp: z.string().datetime({ offset: true }),
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
});

/** What an import did. */
export interface ImportReport {
  imported: number;
  duplicates: number;
  invalid: number;
  errors: string[];
}

/**
 * Imports a JSON export (or a bare list of entries) in one transaction. Entries already
 * present (same time, input, output, target and mode) are skipped, so importing twice is safe.
 */
export function importEntries(store: HistoryStore, body: unknown): ImportReport {
  const list = Array.isArray(body)
    ? body
    : (body && typeof body === "object" && Array.isArray((body as { entries?: unknown }).entries))
    ? (body as { entries: unknown[] }).entries
    : null;
  if (!list) {
    throw badInput(
      "entries: expected a JSON export of the history (an object with an entries list)",
      "invalid_input",
      { list: "export" },
    );
  }
  const report: ImportReport = { imported: 0, duplicates: 0, invalid: 0, errors: [] };
  store.db.exec("BEGIN IMMEDIATE");
  try {
    list.forEach((raw, index) => {
      const parsed = ImportEntry.safeParse(raw);
      if (!parsed.success) {
        report.invalid++;
        const issue = parsed.error.issues[0]!;
        if (report.errors.length < 10) {
          report.errors.push(`entries.${index}.${issue.path.join(".")}: ${issue.message}`);
        }
        return;
      }
      const e = parsed.data;
      const entry: NewHistoryEntry = {
        ...e,
        positive: e.positive ?? e.generated_output,
        negative: e.negative ?? null,
        ollama_model: e.ollama_model ?? null,
        presets: e.presets ?? {},
        timestamp: new Date(e.timestamp).toISOString(),
      };
      if (store.addIfNew(entry) === null) report.duplicates++;
      else report.imported++;
    });
    store.db.exec("COMMIT");
  } catch (err) {
    store.db.exec("ROLLBACK");
    throw err;
  }
  return report;
}
