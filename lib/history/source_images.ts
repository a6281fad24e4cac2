import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { ImageReading } from "../images/image_reading.ts";
import type { ImageFormat } from "../images/sniff.ts";

/** The picture a prompt was written from or read from, as history keeps it: never the upload. */
export interface NewSourceImage {
  format: ImageFormat;
  width: number;
  height: number;
  /** The upload's size in bytes. */
  bytes: number;
  /** A small JPEG of it; null when the picture could not be decoded (its metadata could). */
  thumbnail: { bytes: Uint8Array; width: number; height: number } | null;
  /** What its metadata said. */
  reading: ImageReading | null;
}

/** A kept source picture as the API shows it (the thumbnail has its own URL). */
export interface SourceImageInfo {
  format: string;
  width: number;
  height: number;
  bytes: number;
  /** Null when the picture could not be decoded. */
  thumbnail_url: string | null;
  thumbnail_width: number | null;
  thumbnail_height: number | null;
  reading: ImageReading | null;
}

function parseReading(text: unknown): ImageReading | null {
  if (typeof text !== "string") return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function toInfo(row: Record<string, unknown>): SourceImageInfo {
  return {
    format: String(row.format),
    width: Number(row.width),
    height: Number(row.height),
    bytes: Number(row.bytes),
    thumbnail_url: row.thumb_width === null ? null : `/history/${row.history_id}/thumbnail`,
    thumbnail_width: row.thumb_width === null ? null : Number(row.thumb_width),
    thumbnail_height: row.thumb_height === null ? null : Number(row.thumb_height),
    reading: parseReading(row.reading),
  };
}

const INFO = "history_id, format, width, height, bytes, thumb_width, thumb_height, reading";

/** Thumbnails and readings of history entries' source pictures, beside `prompt_history`. */
export class SourceImageStore {
  #insert: StatementSync;
  #one: StatementSync;
  #thumb: StatementSync;
  #many: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT OR REPLACE INTO history_sources
         (history_id, format, width, height, bytes, thumbnail, thumb_width, thumb_height, reading)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#one = db.prepare(`SELECT ${INFO} FROM history_sources WHERE history_id = ?`);
    this.#thumb = db.prepare("SELECT thumbnail FROM history_sources WHERE history_id = ?");
    // The ids go in as one JSON array, so every page of any size reuses one compiled statement.
    this.#many = db.prepare(
      `SELECT ${INFO} FROM history_sources WHERE history_id IN (SELECT value FROM json_each(?))`,
    );
  }

  /** Keeps an entry's source picture. */
  add(historyId: number, image: NewSourceImage): void {
    this.#insert.run(
      historyId,
      image.format,
      image.width,
      image.height,
      image.bytes,
      image.thumbnail?.bytes ?? null,
      image.thumbnail?.width ?? null,
      image.thumbnail?.height ?? null,
      image.reading ? JSON.stringify(image.reading) : null,
    );
  }

  /** The source picture of one entry, or null. */
  get(historyId: number): SourceImageInfo | null {
    const row = this.#one.get(historyId) as Record<string, unknown> | undefined;
    return row ? toInfo(row) : null;
  }

  /** The source pictures of many entries (one query), by entry id. */
  many(historyIds: number[]): Map<number, SourceImageInfo> {
    const out = new Map<number, SourceImageInfo>();
    if (!historyIds.length) return out;
    const rows = this.#many.all(JSON.stringify(historyIds)) as Record<string, unknown>[];
    for (const row of rows) out.set(Number(row.history_id), toInfo(row));
    return out;
  }

  /** The thumbnail JPEG of an entry's source picture, or null. */
  thumbnail(historyId: number): Uint8Array | null {
    const row = this.#thumb.get(historyId) as { thumbnail: Uint8Array | null } | undefined;
    return row?.thumbnail ? new Uint8Array(row.thumbnail) : null;
  }
}
