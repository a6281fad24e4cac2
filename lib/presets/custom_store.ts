import type { DatabaseSync } from "node:sqlite";

/** Kinds of custom preset a user can make: the four legacy categories and packs. */
export const CUSTOM_KINDS = ["styles", "artists", "composition", "lighting", "packs"] as const;
/** One custom preset kind. */
export type CustomKind = typeof CUSTOM_KINDS[number];

/** A user's own preset as stored. */
export interface CustomPreset {
  id: number;
  kind: CustomKind;
  name: string;
  text: string;
  negative: string | null;
  description: string | null;
  selections: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
}

/** Fields a user sends to create or edit a custom preset. */
export interface CustomPresetInput {
  kind: CustomKind;
  name: string;
  text?: string;
  negative?: string | null;
  description?: string | null;
  selections?: Record<string, unknown> | null;
}

function toPreset(row: Record<string, unknown>): CustomPreset {
  return {
    id: Number(row.id),
    kind: row.kind as CustomKind,
    name: String(row.name),
    text: String(row.text),
    negative: row.negative === null ? null : String(row.negative),
    description: row.description === null ? null : String(row.description),
    selections: row.selections === null ? null : JSON.parse(String(row.selections)),
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
  };
}

/** Custom presets kept in SQLite; `version` changes on every write so the catalog knows to rebuild. */
export class CustomPresetStore {
  #db: DatabaseSync;
  #now: () => Date;
  version = 0;

  constructor(db: DatabaseSync, options: { now?: () => Date } = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
  }

  /** Every custom preset, oldest first. */
  list(): CustomPreset[] {
    return (this.#db.prepare("SELECT * FROM custom_presets ORDER BY id").all() as Record<
      string,
      unknown
    >[]).map(toPreset);
  }

  /** One custom preset, or null. */
  get(id: number): CustomPreset | null {
    const row = this.#db.prepare("SELECT * FROM custom_presets WHERE id = ?").get(id) as
      | Record<string, unknown>
      | undefined;
    return row ? toPreset(row) : null;
  }

  /** Whether a name is taken within a kind (other than by `exceptId`). */
  nameTaken(kind: CustomKind, name: string, exceptId?: number): boolean {
    const row = this.#db.prepare(
      "SELECT id FROM custom_presets WHERE kind = ? AND name = ? AND id != ?",
    ).get(kind, name, exceptId ?? -1);
    return row !== undefined;
  }

  /** Creates a custom preset and returns it. */
  create(input: CustomPresetInput): CustomPreset {
    const now = this.#now().toISOString();
    const result = this.#db.prepare(
      `INSERT INTO custom_presets (kind, name, text, negative, description, selections, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      input.kind,
      input.name,
      input.text ?? "",
      input.negative ?? null,
      input.description ?? null,
      input.selections ? JSON.stringify(input.selections) : null,
      now,
      now,
    );
    this.version++;
    return this.get(Number(result.lastInsertRowid))!;
  }

  /** Replaces a custom preset's fields; null when the id names nothing. */
  update(id: number, input: CustomPresetInput): CustomPreset | null {
    const changes = this.#db.prepare(
      `UPDATE custom_presets SET kind = ?, name = ?, text = ?, negative = ?, description = ?,
         selections = ?, updated_at = ? WHERE id = ?`,
    ).run(
      input.kind,
      input.name,
      input.text ?? "",
      input.negative ?? null,
      input.description ?? null,
      input.selections ? JSON.stringify(input.selections) : null,
      this.#now().toISOString(),
      id,
    ).changes;
    if (!changes) return null;
    this.version++;
    return this.get(id);
  }

  /** Deletes a custom preset; false when there was none. */
  delete(id: number): boolean {
    const ok = this.#db.prepare("DELETE FROM custom_presets WHERE id = ?").run(id).changes > 0;
    if (ok) this.version++;
    return ok;
  }
}
