import { DatabaseSync } from "node:sqlite";
import { historyUnavailable } from "./store.ts";
import { searchText } from "./search.ts";

/** Versioned schema steps; `PRAGMA user_version` records how many have run. */
export const MIGRATIONS: string[] = [
  `CREATE TABLE prompt_history (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     timestamp TEXT NOT NULL,
     user_input TEXT NOT NULL,
     generated_output TEXT NOT NULL,
     positive TEXT NOT NULL DEFAULT '',
     negative TEXT,
     model TEXT NOT NULL,
     ollama_model TEXT,
     presets TEXT NOT NULL DEFAULT '{}',
     mode TEXT NOT NULL,
     engine TEXT NOT NULL DEFAULT 'ollama',
     seed INTEGER,
     temperature REAL,
     eval_count INTEGER,
     prompt_eval_count INTEGER,
     duration_ms INTEGER,
     favorite INTEGER NOT NULL DEFAULT 0,
     session_id TEXT,
     fingerprint TEXT NOT NULL
   );
   CREATE INDEX history_fingerprint ON prompt_history(fingerprint);
   CREATE INDEX history_favorite ON prompt_history(favorite, id) WHERE favorite = 1;
   CREATE INDEX history_mode ON prompt_history(mode, id);
   CREATE INDEX history_model ON prompt_history(model, id);
   CREATE VIRTUAL TABLE history_fts USING fts5(
     user_input, positive,
     content='prompt_history', content_rowid='id',
     tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6'
   );
   CREATE TABLE history_count (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
   INSERT INTO history_count (id, n) VALUES (1, 0);
   CREATE TRIGGER history_ai AFTER INSERT ON prompt_history BEGIN
     INSERT INTO history_fts(rowid, user_input, positive) VALUES (new.id, new.user_input, new.positive);
     UPDATE history_count SET n = n + 1 WHERE id = 1;
   END;
   CREATE TRIGGER history_ad AFTER DELETE ON prompt_history BEGIN
     INSERT INTO history_fts(history_fts, rowid, user_input, positive)
     VALUES ('delete', old.id, old.user_input, old.positive);
     UPDATE history_count SET n = n - 1 WHERE id = 1;
   END;`,
  `CREATE TABLE custom_presets (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     name TEXT NOT NULL,
     text TEXT NOT NULL DEFAULT '',
     negative TEXT,
     description TEXT,
     selections TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     UNIQUE(kind, name)
   );`,
  `ALTER TABLE prompt_history ADD COLUMN ollama_digest TEXT;
   ALTER TABLE prompt_history ADD COLUMN prompt_hash TEXT;
   ALTER TABLE prompt_history ADD COLUMN request TEXT;`,
  `CREATE TABLE comfy_workflows (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL UNIQUE,
     graph TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE history_images (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     history_id INTEGER NOT NULL REFERENCES prompt_history(id) ON DELETE CASCADE,
     prompt_id TEXT NOT NULL,
     filename TEXT NOT NULL,
     subfolder TEXT NOT NULL DEFAULT '',
     type TEXT NOT NULL DEFAULT 'output',
     created_at TEXT NOT NULL
   );
   CREATE INDEX history_images_entry ON history_images(history_id);`,
  // The picture a prompt was written from or read from: a thumbnail and what its metadata said,
  // never the upload. node:sqlite turns foreign keys on, so it goes with its entry.
  `CREATE TABLE history_sources (
     history_id INTEGER PRIMARY KEY REFERENCES prompt_history(id) ON DELETE CASCADE,
     format TEXT NOT NULL,
     width INTEGER NOT NULL,
     height INTEGER NOT NULL,
     bytes INTEGER NOT NULL,
     thumbnail BLOB,
     thumb_width INTEGER,
     thumb_height INTEGER,
     reading TEXT
   );`,
  // Imports run in chunks so other requests are served meanwhile: each imported row names its
  // import, and an import still listed here when the database opens was cut off and is removed.
  `ALTER TABLE prompt_history ADD COLUMN import_id INTEGER;
   CREATE INDEX history_import ON prompt_history(import_id) WHERE import_id IS NOT NULL;
   CREATE TABLE history_imports (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     started_at TEXT NOT NULL
   );`,
  // Search finds a word inside a run of CJK (or Thai…) text, and emoji: the index reads each
  // row through search_text() (registered by openDatabase), which makes each such character a
  // word of its own. Contentless: the rows are in prompt_history already.
  `DROP TRIGGER history_ai;
   DROP TRIGGER history_ad;
   DROP TABLE history_fts;
   CREATE VIRTUAL TABLE history_fts USING fts5(
     user_input, positive,
     content='', contentless_delete=1,
     tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6'
   );
   INSERT INTO history_fts(rowid, user_input, positive)
     SELECT id, search_text(user_input), search_text(positive) FROM prompt_history;
   CREATE TRIGGER history_ai AFTER INSERT ON prompt_history BEGIN
     INSERT INTO history_fts(rowid, user_input, positive)
     VALUES (new.id, search_text(new.user_input), search_text(new.positive));
     UPDATE history_count SET n = n + 1 WHERE id = 1;
   END;
   CREATE TRIGGER history_ad AFTER DELETE ON prompt_history BEGIN
     DELETE FROM history_fts WHERE rowid = old.id;
     UPDATE history_count SET n = n - 1 WHERE id = 1;
   END;`,
  // What the model offered besides the prompt, so a result rebuilt from its row (the page
  // without JavaScript, exports) shows it too: alternates as a JSON list, notes as text.
  `ALTER TABLE prompt_history ADD COLUMN alternates TEXT;
   ALTER TABLE prompt_history ADD COLUMN notes TEXT;`,
];

/** Opens (creating if needed) the app database, switches it to WAL and runs pending migrations. */
export function openDatabase(path: string): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    // The search index calls it for every row written (see the last migrations).
    db.function("search_text", { deterministic: true }, (text) => searchText(String(text ?? "")));
    db.exec("PRAGMA busy_timeout = 5000");
    if (path !== ":memory:") {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
    }
    migrate(db);
    return db;
  } catch (err) {
    if (db?.isOpen) db.close();
    throw historyUnavailable(err instanceof Error ? err.message : String(err));
  }
}

function migrate(db: DatabaseSync): void {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number };
  for (let i = row.user_version; i < MIGRATIONS.length; i++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(MIGRATIONS[i]!);
      db.exec(`PRAGMA user_version = ${i + 1}`);
      db.exec("COMMIT");
    } catch (err) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw err;
    }
  }
}

/** The schema version a fully migrated database has. */
export const SCHEMA_VERSION = MIGRATIONS.length;
