import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { putNewest } from "./bounded_cache.ts";
import { createHash } from "node:crypto";
import { AppError } from "../app/errors.ts";
import {
  matchesAll,
  parseSearch,
  relevance,
  type RowTexts,
  rowTexts,
  type SearchTerms,
  snippet,
} from "./search.ts";
import { type NewSourceImage, type SourceImageInfo, SourceImageStore } from "./source_images.ts";

/**
 * Generation modes recorded in history; `api` is a served model's (the Ollama and OpenAI
 * endpoints), `image` a prompt written from a picture, `image-read` one read from a picture.
 */
export const HISTORY_MODES = [
  "oneshot",
  "chat",
  "persona-chat",
  "batch",
  "api",
  "image",
  "image-read",
] as const;
/** One generation mode recorded in history. */
export type HistoryMode = typeof HISTORY_MODES[number];

/** What a finished generation stores. */
export interface NewHistoryEntry {
  user_input: string;
  generated_output: string;
  positive: string;
  negative: string | null;
  model: string;
  ollama_model: string | null;
  presets: Record<string, unknown>;
  mode: HistoryMode;
  /** `metadata`: read from an image's metadata, no LLM. */
  engine?: "ollama" | "composer" | "metadata";
  seed?: number | null;
  temperature?: number | null;
  eval_count?: number | null;
  prompt_eval_count?: number | null;
  duration_ms?: number | null;
  session_id?: string | null;
  /** Set by imports to keep the original time. */
  timestamp?: string;
  favorite?: boolean;
  /** The LLM's digest from /api/tags when it ran. */
  ollama_digest?: string | null;
  /** A hash of the system prompt that was used. */
  prompt_hash?: string | null;
  /** The request fields that reproduce this entry. */
  request?: Record<string, unknown> | null;
  /** The picture the prompt came from: a thumbnail and its metadata, never the upload. */
  source_image?: NewSourceImage | null;
  /** The import that brings this row, while it runs (see `beginImport`). */
  import_id?: number | null;
  /** Other prompts the model offered beside this one. */
  alternates?: string[] | null;
  /** What the model said besides the prompt. */
  notes?: string | null;
}

/** A stored entry as the API returns it. */
export interface HistoryEntry {
  id: number;
  timestamp: string;
  user_input: string;
  generated_output: string;
  positive: string;
  negative: string | null;
  model: string;
  ollama_model: string | null;
  presets: Record<string, unknown>;
  mode: string;
  engine: string;
  seed: number | null;
  temperature: number | null;
  eval_count: number | null;
  prompt_eval_count: number | null;
  duration_ms: number | null;
  favorite: boolean;
  ollama_digest: string | null;
  prompt_hash: string | null;
  request: Record<string, unknown> | null;
  /** Other prompts the model offered beside this one (empty when none). */
  alternates: string[];
  /** What the model said besides the prompt. */
  notes: string | null;
  /** Search matches with `[[` and `]]` around the hit words, when searching. */
  snippet?: string;
  /** The picture the prompt came from, when there was one. */
  source_image?: SourceImageInfo;
}

/** A match as ranking and filtering read it: its id and its two searched texts, folded. */
interface SearchRow {
  id: number;
  texts: RowTexts;
}

/** A search's ranked window as `list()` keeps it between requests. */
interface RankedWindow {
  /** The database's change stamp when it was ranked; any write since makes it stale. */
  stamp: string;
  /** Ids of the matches in the window, best first. */
  ranked: number[];
  total: number;
  /** Snippets made for this search so far, by id (paging back and retyping reuse them). */
  snippets: Map<number, string>;
  words: string[];
  /** The filters besides the words, as a key. */
  filters: string;
  /**
   * Every match, when the window holds them all: the next keystroke narrows these. Null when the
   * window was full and older matches follow it.
   */
  rows: SearchRow[] | null;
}

/**
 * Whether every match of `next` is a match of `prev`: the same words, the last one (a prefix)
 * typed further or followed by more words. A one-letter last word is matched exactly, not as a
 * prefix, so it narrows nothing.
 */
function narrows(prev: string[], next: string[]): boolean {
  const last = prev.length - 1;
  if (last < 0 || prev[last]!.length < 2 || next.length < prev.length) return false;
  for (let i = 0; i < last; i++) if (next[i] !== prev[i]) return false;
  return next[last]!.startsWith(prev[last]!);
}

/** Search matches without filters: the full-text index alone, newest first. */
const FTS_ONLY = "FROM history_fts WHERE history_fts MATCH ? ORDER BY rowid DESC";

/** How many searches' ranked windows are kept (paging and retyping reuse them). */
export const SEARCH_CACHE = 32;

/**
 * How many rows' folded texts are kept for ranking (2,448 seeded rows took 1.6 MB): enough
 * for the newest matches of a dozen different searches at 10,000 rows.
 */
const ROW_TEXTS_CAP = 4000;

/** Whole entries kept for searches (about 1.5 KB each); ten pages of the default size. */
const ENTRY_CACHE_CAP = 500;

/** Freezes a parsed JSON value all the way down. */
function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/** Filters and paging for `list()`. */
export interface HistoryQuery {
  limit: number;
  offset?: number;
  q?: string;
  favorite?: boolean;
  mode?: string;
  model?: string;
}

/** The history store is not usable (corrupt, read-only, missing); history routes answer 503. */
export function historyUnavailable(detail: string): AppError {
  return new AppError(
    503,
    "History unavailable",
    `The history database cannot be used (${detail}). Generation still works; fix or move the file in DATA_DIR and restart.`,
    "history_unavailable",
  );
}

/** How many of the newest matches a search ranks by relevance. */
export const SEARCH_WINDOW = 200;
/** Searches count their matches up to this number. */
export const SEARCH_COUNT_CAP = 1000;
/** Filtered listings count up to this number. */
export const FILTER_COUNT_CAP = 100_000;

/** SQLite's result code for a full disk (or a database at its page limit). */
const SQLITE_FULL = 13;

/**
 * Whether a write failed because the disk is full: SQLite says SQLITE_FULL; Deno KV (SQLite
 * underneath) and the file system say it in words.
 */
export function isStorageFull(err: unknown): boolean {
  if (err instanceof AppError) return err.type === "storage_full";
  const e = err as { errcode?: number; message?: unknown } | null;
  if (e?.errcode === SQLITE_FULL) return true;
  return typeof e?.message === "string" &&
    /database or disk is full|no space left on device|disk full|SQLITE_FULL/i.test(e.message);
}

/** What was not saved when the disk was full, in the words the reply and the page use. */
export function storageFull(what = "nothing was saved"): AppError {
  return new AppError(
    507,
    "Storage full",
    `The disk is full: ${what}. Free some space on the disk that holds DATA_DIR; nothing saved before is lost.`,
    "storage_full",
  );
}

/** A SQLite failure as what it means for users (a full disk, else a 503); others as they are. */
export function fromDatabaseError(err: unknown): unknown {
  if (isStorageFull(err) && !(err instanceof AppError)) return storageFull();
  if ((err as { code?: string } | null)?.code !== "ERR_SQLITE_ERROR") return err;
  return historyUnavailable((err as Error).message);
}

const COLUMNS =
  "id, timestamp, user_input, generated_output, positive, negative, model, ollama_model, presets, mode, engine, seed, temperature, eval_count, prompt_eval_count, duration_ms, favorite, ollama_digest, prompt_hash, request, alternates, notes";

/** `COLUMNS` of the table aliased `h` (searches join it with the index). */
const H_COLUMNS = COLUMNS.split(", ").map((c) => `h.${c}`).join(", ");

function parseJsonOrNull(value: unknown): Record<string, unknown> | null {
  if (typeof value !== "string") return null;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

/** A stored JSON list of strings; anything else (null, a damaged cell) is no list. */
function stringList(value: unknown): string[] {
  if (typeof value !== "string") return [];
  try {
    const list = JSON.parse(value);
    return Array.isArray(list) ? list.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/**
 * A row of `COLUMNS`, read as an array: node:sqlite builds arrays faster than keyed objects
 * (about 40 % of a 50-row page's read), and the order is fixed by `COLUMNS`.
 */
type Row = unknown[];

const str = (v: unknown) => v === null || v === undefined ? null : String(v);
const num = (v: unknown) => v === null || v === undefined ? null : Number(v);

function rowToEntry(r: Row): HistoryEntry {
  let presets: Record<string, unknown> = {};
  try {
    presets = JSON.parse(String(r[8] ?? "{}"));
  } catch {
    presets = {};
  }
  return {
    id: Number(r[0]),
    timestamp: String(r[1]),
    user_input: String(r[2]),
    generated_output: String(r[3]),
    positive: String(r[4] ?? ""),
    negative: str(r[5]),
    model: String(r[6]),
    ollama_model: str(r[7]),
    presets,
    mode: String(r[9]),
    engine: String(r[10]),
    seed: num(r[11]),
    temperature: num(r[12]),
    eval_count: num(r[13]),
    prompt_eval_count: num(r[14]),
    duration_ms: num(r[15]),
    favorite: Number(r[16]) === 1,
    ollama_digest: str(r[17]),
    prompt_hash: str(r[18]),
    request: parseJsonOrNull(r[19]),
    alternates: stringList(r[20]),
    notes: typeof r[21] === "string" && r[21] ? r[21] : null,
  };
}

function fingerprintOf(e: NewHistoryEntry, timestamp: string): string {
  return createHash("sha256")
    .update(JSON.stringify([timestamp, e.user_input, e.generated_output, e.model, e.mode]))
    .digest("hex").slice(0, 32);
}

/** Prompt history in SQLite with full-text search; every method is synchronous. */
export class HistoryStore {
  readonly db: DatabaseSync;
  /** The source pictures' thumbnails and readings. */
  readonly sources: SourceImageStore;
  #now: () => Date;
  #statements = new Map<string, StatementSync>();
  #insert: StatementSync;
  #exists: StatementSync;
  #full = false;

  #windows = new Map<string, RankedWindow>();
  /**
   * Folded texts of rows searched lately: each keystroke ranks mostly the same newest matches
   * again, and folding their texts was half of a search's time. Keyed by id alone: a row's
   * searched texts are never updated and AUTOINCREMENT never gives an id out twice.
   */
  #rowTexts = new Map<number, RowTexts>();
  /** Whole entries of rows searched lately, as they were at `#entriesStamp` (see `#byIds`). */
  #entries = new Map<number, HistoryEntry>();
  #entriesStamp = "";
  #windowCap: number;

  constructor(db: DatabaseSync, options: { now?: () => Date; searchCache?: number } = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#windowCap = options.searchCache ?? SEARCH_CACHE;
    this.db = db;
    this.sources = new SourceImageStore(db);
    this.#insert = this.#prepare(
      `INSERT INTO prompt_history (timestamp, user_input, generated_output, positive, negative, model,
         ollama_model, presets, mode, engine, seed, temperature, eval_count, prompt_eval_count,
         duration_ms, favorite, session_id, fingerprint, ollama_digest, prompt_hash, request,
         import_id, alternates, notes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#exists = this.#prepare(
      "SELECT 1 AS x FROM prompt_history WHERE fingerprint = ? LIMIT 1",
    );
    this.#removeCutImports();
  }

  /** Removes what imports cut off by a crash had written, so each import is all or nothing. */
  #removeCutImports(): void {
    const cut = this.#prepare("SELECT id FROM history_imports").all() as { id: number }[];
    for (const { id } of cut) {
      while (this.removeImportRows(id, 10_000) > 0) { /* until none are left */ }
      this.endImport(id);
    }
  }

  /** Marks an import as running and returns its id; rows it adds carry that id. */
  beginImport(): number {
    return this.write(() =>
      Number(
        this.#prepare("INSERT INTO history_imports (started_at) VALUES (?)")
          .run(this.#now().toISOString()).lastInsertRowid,
      )
    );
  }

  /** Marks an import as done: its rows stay. */
  endImport(id: number): void {
    this.#prepare("DELETE FROM history_imports WHERE id = ?").run(id);
  }

  /** Deletes up to `limit` rows an import added; returns how many went (0 when none are left). */
  removeImportRows(id: number, limit: number): number {
    return this.#prepare(
      `DELETE FROM prompt_history WHERE id IN
         (SELECT id FROM prompt_history WHERE import_id = ? LIMIT ?)`,
    ).run(id, limit).changes as number;
  }

  /** A prepared statement, compiled once per SQL text (searches and listings reuse a handful). */
  #prepare(sql: string): StatementSync {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  /**
   * Whether the last write failed for a full disk (cleared by the next write that works), so
   * `/healthz` can say so even while reads still work.
   */
  get storageFull(): boolean {
    return this.#full;
  }

  /** Runs a write and notes whether the disk was full; the error goes on to the caller. */
  write<T>(work: () => T): T {
    try {
      const out = work();
      this.#full = false;
      return out;
    } catch (err) {
      if (isStorageFull(err)) this.#full = true;
      throw err;
    }
  }

  /** A statement that selects `COLUMNS` and returns each row as an array (see `Row`). */
  #prepareRows(sql: string): StatementSync {
    const key = `rows:${sql}`;
    let stmt = this.#statements.get(key);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      // Deno runs it (Node 24's API); its bundled node:sqlite types do not list it yet.
      (stmt as StatementSync & { setReturnArrays(on: boolean): void }).setReturnArrays(true);
      this.#statements.set(key, stmt);
    }
    return stmt;
  }

  /** Stores an entry and returns its id. */
  add(entry: NewHistoryEntry): number {
    return this.write(() => this.#add(entry, false)!);
  }

  /** Stores an imported entry unless the same one is already there; null when it was. */
  addIfNew(entry: NewHistoryEntry): number | null {
    return this.#add(entry, true);
  }

  #add(entry: NewHistoryEntry, skipDuplicate: boolean): number | null {
    const timestamp = entry.timestamp ?? this.#now().toISOString();
    const fingerprint = fingerprintOf(entry, timestamp);
    if (skipDuplicate && this.#exists.get(fingerprint)) return null;
    const result = this.#insert.run(
      timestamp,
      entry.user_input,
      entry.generated_output,
      entry.positive,
      entry.negative,
      entry.model,
      entry.ollama_model,
      JSON.stringify(entry.presets ?? {}),
      entry.mode,
      entry.engine ?? "ollama",
      entry.seed ?? null,
      entry.temperature ?? null,
      entry.eval_count ?? null,
      entry.prompt_eval_count ?? null,
      entry.duration_ms ?? null,
      entry.favorite ? 1 : 0,
      entry.session_id ?? null,
      fingerprint,
      entry.ollama_digest ?? null,
      entry.prompt_hash ?? null,
      entry.request ? JSON.stringify(entry.request) : null,
      entry.import_id ?? null,
      entry.alternates?.length ? JSON.stringify(entry.alternates) : null,
      entry.notes || null,
    );
    const id = Number(result.lastInsertRowid);
    if (entry.source_image) this.sources.add(id, entry.source_image);
    return id;
  }

  /** Puts each entry's source picture on it, with one query for the page. */
  #withSources(entries: HistoryEntry[]): HistoryEntry[] {
    const found = this.sources.many(entries.map((e) => e.id));
    for (const e of entries) {
      const image = found.get(e.id);
      if (image) e.source_image = image;
    }
    return entries;
  }

  /**
   * Changes whenever the database may have: this connection's own writes (`total_changes()`,
   * whichever code path made them) or another connection's commits (`data_version`).
   */
  #stamp(): string {
    const r = this.#prepare(
      "SELECT total_changes() AS c, (SELECT data_version FROM pragma_data_version) AS v",
    ).get() as { c: number; v: number };
    return `${r.c}:${r.v}`;
  }

  /**
   * The newest `SEARCH_WINDOW` matches ranked, and the capped total: reused while nothing was
   * written, so paging through a search, or typing back to an earlier query, ranks nothing again.
   */
  #rankedWindow(
    search: SearchTerms,
    where: string[],
    params: SQLInputValue[],
    from: string,
  ): RankedWindow {
    const stamp = this.#windowCap > 0 ? this.#stamp() : "";
    const filters = JSON.stringify([where, params]);
    const key = JSON.stringify(search.words) + filters;
    const hit = this.#windows.get(key);
    if (hit && hit.stamp === stamp) {
      // Most recently used last, so the oldest is the first to go.
      putNewest(this.#windows, key, hit, this.#windowCap);
      return hit;
    }
    let window: SearchRow[];
    let full = false;
    let total: number;
    const base = this.#windowCap > 0
      ? [...this.#windows.values()].reverse().find((w) =>
        w.rows && w.stamp === stamp && w.filters === filters && narrows(w.words, search.words)
      )
      : undefined;
    if (base) {
      // Typing on: the earlier search held all its matches, and this one's are among them.
      window = base.rows!.filter((e) => matchesAll(e.texts, search.words));
      total = window.length;
    } else {
      // The window's ids and the capped count come back in one row (ids joined by commas): a
      // row per match costs more than finding it. Without filters neither needs the table.
      const matches = where.length ? from : FTS_ONLY;
      const found = this.#prepare(
        `SELECT (SELECT group_concat(id) FROM (SELECT ${
          where.length ? "h.id" : "rowid"
        } AS id ${matches} LIMIT ?)) AS ids, (SELECT count(*) FROM (SELECT 1 ${matches} LIMIT ?)) AS n`,
      ).get(
        search.match,
        ...params,
        SEARCH_WINDOW,
        search.match,
        ...params,
        SEARCH_COUNT_CAP + 1,
      ) as { ids: string | null; n: number };
      const ids = found.ids ? found.ids.split(",").map(Number) : [];
      full = ids.length === SEARCH_WINDOW;
      total = found.n;
      window = this.#searchRows(ids);
      if (search.needsFilter) {
        window = window.filter((e) => matchesAll(e.texts, search.words));
        if (!full) total = window.length;
      }
    }
    const ranked = window
      .map((e) => ({ id: e.id, score: relevance(e.texts, search.words) }))
      .sort((a, b) => b.score - a.score || b.id - a.id)
      .map((e) => e.id);
    const win: RankedWindow = {
      stamp,
      ranked,
      total,
      snippets: new Map(),
      words: search.words,
      filters,
      rows: full ? null : window,
    };
    if (this.#windowCap > 0) putNewest(this.#windows, key, win, this.#windowCap);
    return win;
  }

  /**
   * The folded texts of these rows, in the order given: those kept from earlier searches, and the
   * rest read in one statement.
   */
  #searchRows(ids: number[]): SearchRow[] {
    const known = new Map<number, RowTexts>();
    const missing: number[] = [];
    for (const id of ids) {
      const texts = this.#rowTexts.get(id);
      if (texts) known.set(id, texts);
      else missing.push(id);
    }
    if (missing.length) {
      const rows = this.#prepare(
        "SELECT id, user_input, positive FROM prompt_history WHERE id IN (SELECT value FROM json_each(?))",
      ).all(JSON.stringify(missing)) as { id: number; user_input: string; positive: string }[];
      for (const row of rows) known.set(row.id, this.#textsOf(row));
    }
    return ids.flatMap((id) => {
      const texts = known.get(id);
      return texts ? [{ id, texts }] : [];
    });
  }

  /** A row's folded texts, kept for the next searches (when caching is on). */
  #textsOf(e: { id: number; user_input: string; positive: string }): RowTexts {
    if (this.#windowCap === 0) return rowTexts(e);
    let texts = this.#rowTexts.get(e.id);
    if (!texts) {
      texts = rowTexts(e);
      putNewest(this.#rowTexts, e.id, texts, ROW_TEXTS_CAP);
    }
    return texts;
  }

  /**
   * Whole entries for these ids, in the order given (one statement, prepared once). With a change
   * stamp, entries read at that stamp are kept and handed out as copies, so each keystroke of a
   * search does not read and parse the same top rows again; any write changes the stamp.
   */
  #byIds(ids: number[], stamp = ""): HistoryEntry[] {
    if (!ids.length) return [];
    if (stamp !== this.#entriesStamp) {
      this.#entries.clear();
      this.#entriesStamp = stamp;
    }
    const keep = stamp !== "";
    // This page's entries are taken first: storing the rows read below may push kept ones out.
    const read = new Map<number, HistoryEntry>();
    const missing: number[] = [];
    for (const id of ids) {
      const known = keep ? this.#entries.get(id) : undefined;
      if (known) read.set(id, known);
      else missing.push(id);
    }
    if (missing.length) {
      const rows = this.#prepareRows(
        `SELECT ${COLUMNS} FROM prompt_history WHERE id IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify(missing)) as unknown as Row[];
      for (const row of rows) {
        const entry = rowToEntry(row);
        read.set(entry.id, entry);
        if (!keep) continue;
        // Shared by every copy handed out, so nothing may change them.
        deepFreeze(entry.presets);
        deepFreeze(entry.request);
        deepFreeze(entry.alternates);
        putNewest(this.#entries, entry.id, entry, ENTRY_CACHE_CAP);
      }
    }
    return ids.flatMap((id) => {
      const entry = read.get(id);
      if (!entry) return [];
      // A copy: the page sets its own snippet and source picture on each entry.
      return [keep ? { ...entry } : entry];
    });
  }

  /**
   * One page of entries and the total. Without a search: newest first, with an exact total.
   * With a search: the newest `SEARCH_WINDOW` matches ranked by relevance (then newest first
   * beyond them), and a total counted up to `SEARCH_COUNT_CAP` (`total_capped` says when more).
   * Both stay fast at a million rows because no query reads a whole posting list.
   */
  list(query: HistoryQuery): { total: number; total_capped: boolean; history: HistoryEntry[] } {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (query.favorite !== undefined) {
      where.push("h.favorite = ?");
      params.push(query.favorite ? 1 : 0);
    }
    if (query.mode) {
      where.push("h.mode = ?");
      params.push(query.mode);
    }
    if (query.model) {
      where.push("h.model = ?");
      params.push(query.model);
    }
    const search = query.q ? parseSearch(query.q) : null;
    const offset = query.offset ?? 0;
    if (search) {
      const filter = where.length ? ` AND ${where.join(" AND ")}` : "";
      const from = `FROM history_fts JOIN prompt_history h ON h.id = history_fts.rowid
                    WHERE history_fts MATCH ?${filter} ORDER BY history_fts.rowid DESC`;
      const keep = (e: { user_input: string; positive: string }) =>
        !search.needsFilter || matchesAll(rowTexts(e), search.words);
      const win = this.#rankedWindow(search, where, params, from);
      const page = this.#byIds(win.ranked.slice(offset, offset + query.limit), win.stamp);
      const missing = query.limit - page.length;
      if (missing > 0 && win.rows === null) {
        // Past the ranked window the older matches follow, newest first.
        const older = this.#prepareRows(`SELECT ${H_COLUMNS} ${from} LIMIT ? OFFSET ?`)
          .all(
            search.match,
            ...params,
            missing,
            Math.max(offset, SEARCH_WINDOW),
          ) as unknown as Row[];
        page.push(...older.map(rowToEntry).filter(keep));
      }
      for (const e of page) {
        let text = win.snippets.get(e.id);
        if (text === undefined) {
          text = snippet(e, search.words, undefined, this.#textsOf(e));
          if (win.snippets.size < SEARCH_WINDOW) win.snippets.set(e.id, text);
        }
        e.snippet = text;
      }
      const total = win.total;
      const capped = total > SEARCH_COUNT_CAP;
      return {
        total: capped ? SEARCH_COUNT_CAP : total,
        total_capped: capped,
        history: this.#withSources(page),
      };
    }
    let total: number;
    let capped = false;
    if (!where.length) {
      total = (this.#prepare("SELECT n FROM history_count WHERE id = 1").get() as { n: number }).n;
    } else {
      const filter = `WHERE ${where.join(" AND ")}`;
      total = (this.#prepare(
        `SELECT count(*) AS n FROM (SELECT 1 FROM prompt_history h ${filter} LIMIT ?)`,
      ).get(...params, FILTER_COUNT_CAP + 1) as { n: number }).n;
      capped = total > FILTER_COUNT_CAP;
      if (capped) total = FILTER_COUNT_CAP;
    }
    const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const rows = this.#prepareRows(
      `SELECT ${COLUMNS} FROM prompt_history h ${filter} ORDER BY h.id DESC LIMIT ? OFFSET ?`,
    ).all(...params, query.limit, offset) as unknown as Row[];
    return { total, total_capped: capped, history: this.#withSources(rows.map(rowToEntry)) };
  }

  /** One entry by id, or null. */
  get(id: number): HistoryEntry | null {
    const row = this.#prepareRows(`SELECT ${COLUMNS} FROM prompt_history WHERE id = ?`).get(id) as
      | Row
      | undefined;
    return row ? this.#withSources([rowToEntry(row)])[0]! : null;
  }

  /** Deletes one entry; false when there was none. */
  delete(id: number): boolean {
    return this.write(() =>
      this.#prepare("DELETE FROM prompt_history WHERE id = ?").run(id).changes > 0
    );
  }

  /** Marks or unmarks a favorite; false when the id names nothing. */
  setFavorite(id: number, favorite: boolean): boolean {
    return this.write(() =>
      this.#prepare("UPDATE prompt_history SET favorite = ? WHERE id = ?")
        .run(favorite ? 1 : 0, id).changes > 0
    );
  }

  /** Deletes every entry; returns how many went. */
  clear(): number {
    return this.write(() =>
      inTransaction(this.db, () => {
        const n = Number(this.#prepare("SELECT n FROM history_count WHERE id = 1").get()!.n);
        this.db.exec("DELETE FROM prompt_history");
        this.db.exec("INSERT INTO history_fts(history_fts) VALUES ('delete-all')");
        this.db.exec("UPDATE history_count SET n = 0 WHERE id = 1");
        return n;
      })
    );
  }

  /** Walks every entry oldest first in pages, so exports never hold the whole table. */
  *iterate(pageSize = 500): Generator<HistoryEntry> {
    let after = 0;
    const stmt = this.#prepareRows(
      `SELECT ${COLUMNS} FROM prompt_history WHERE id > ? ORDER BY id LIMIT ?`,
    );
    while (true) {
      const rows = stmt.all(after, pageSize) as unknown as Row[];
      if (!rows.length) return;
      for (const row of rows) yield rowToEntry(row);
      after = Number(rows[rows.length - 1]![0]);
    }
  }
}

/**
 * Runs work in one write transaction. SQLite rolls a transaction back by itself on some errors
 * (a full disk is one), so ROLLBACK runs only while one is open and the first error is the one
 * thrown, never "cannot rollback - no transaction is active".
 */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = work();
    db.exec("COMMIT");
    return out;
  } catch (err) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
}
