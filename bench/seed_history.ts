import { join } from "node:path";
import { openDatabase } from "../lib/history/db.ts";
import { HistoryStore } from "../lib/history/store.ts";
import { seededRandom } from "../lib/prompt/random.ts";
import { benchTempDir } from "./processes.ts";

const SUBJECTS = [
  "lighthouse",
  "samurai",
  "dragon",
  "café",
  "robot",
  "forest",
  "harbour",
  "witch",
  "astronaut",
  "fox",
  "castle",
  "market",
  "desert",
  "glacier",
  "train",
  "library",
  "garden",
  "cathedral",
  "warrior",
  "dancer",
];
const DETAILS = [
  "at dawn",
  "in the rain",
  "under neon lights",
  "in fog",
  "at golden hour",
  "in winter",
  "by candlelight",
  "at night",
  "in a storm",
  "in spring",
];
const STYLES = [
  "cinematic",
  "watercolour",
  "oil painting",
  "anime",
  "photorealistic",
  "pencil sketch",
  "cyberpunk",
  "art nouveau",
  "low poly",
  "ukiyo-e",
];
const EXTRA = [
  "crème brûlée",
  "Zürich",
  "naïve",
  "façade",
  "smörgåsbord",
  "piñata",
  "jalapeño",
  "résumé",
];

/** From this many rows on, the full-text index is built in one pass after the inserts. */
export const BULK_ROWS = 100_000;

/**
 * Fills a history store with `n` varied, realistic rows (seeded, so every run is the same). Large
 * histories are written without the full-text trigger and indexed by one insert of every row at the
 * end, several times faster than indexing row by row; the index holds the same terms.
 */
export function seedHistory(
  store: HistoryStore,
  n: number,
  seed = 1,
  bulk = n >= BULK_ROWS,
): void {
  const random = seededRandom(seed);
  const pick = <T>(a: T[]) => a[Math.floor(random() * a.length)]!;
  const db = store.db;
  const trigger = bulk
    ? (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'history_ai'")
      .get() as { sql: string }).sql
    : "";
  const insert = bulk
    ? db.prepare(
      `INSERT INTO prompt_history (timestamp, user_input, generated_output, positive, negative,
         model, ollama_model, presets, mode, engine, fingerprint)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ollama', ?)`,
    )
    : null;
  db.exec("BEGIN");
  if (bulk) db.exec("DROP TRIGGER history_ai");
  for (let i = 0; i < n; i++) {
    const input = `a ${pick(SUBJECTS)} ${pick(DETAILS)}${
      random() < 0.05 ? `, ${pick(EXTRA)}` : ""
    }`;
    const positive = `${pick(STYLES)}, ${input}, ${pick(DETAILS)}, ${
      pick(STYLES)
    }, highly detailed, ${pick(SUBJECTS)} in the background`;
    const negative = random() < 0.5 ? "blurry, lowres, watermark" : null;
    const model = random() < 0.5 ? "flux" : "sdxl";
    const presets = { style: pick(STYLES) };
    const mode = random() < 0.8 ? "oneshot" : "chat";
    const timestamp = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
    if (insert) {
      insert.run(
        timestamp,
        input,
        positive,
        positive,
        negative,
        model,
        "qwen3:latest",
        JSON.stringify(presets),
        mode,
        `seed-${seed}-${i}`,
      );
    } else {
      store.add({
        user_input: input,
        generated_output: positive,
        positive,
        negative,
        model,
        ollama_model: "qwen3:latest",
        presets,
        mode,
        timestamp,
      });
    }
    if (i % 50_000 === 49_999) {
      db.exec("COMMIT");
      db.exec("BEGIN");
    }
  }
  if (bulk) {
    // The index is contentless (it reads rows through search_text()), so it is filled by one
    // insert of every row rather than FTS5's 'rebuild', which needs a content table.
    db.exec(
      `INSERT INTO history_fts(rowid, user_input, positive)
         SELECT id, search_text(user_input), search_text(positive) FROM prompt_history`,
    );
    db.exec("UPDATE history_count SET n = (SELECT count(*) FROM prompt_history) WHERE id = 1");
    db.exec(trigger);
  }
  db.exec("COMMIT");
}

/** A new temporary data folder whose history holds `rows` seeded entries. */
export async function seededDataDir(prefix: string, rows: number, seed = 1): Promise<string> {
  const dir = await benchTempDir(prefix);
  const store = new HistoryStore(openDatabase(join(dir, "history.db")));
  try {
    seedHistory(store, rows, seed);
  } finally {
    store.db.close();
  }
  return dir;
}
