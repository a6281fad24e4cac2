import { deepEqual, equal } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS, openDatabase } from "./db.ts";
import { HistoryStore, type NewHistoryEntry } from "./store.ts";
import { snippet } from "./search.ts";

function entry(input: string, output = input): NewHistoryEntry {
  return {
    user_input: input,
    generated_output: output,
    positive: output,
    negative: null,
    model: "flux",
    ollama_model: null,
    presets: {},
    mode: "oneshot",
  };
}

function seeded(): HistoryStore {
  const h = new HistoryStore(openDatabase(":memory:"));
  for (
    const text of [
      "a fox 🦊 at dusk",
      "a cat on a windowsill",
      "猫が窓辺で眠っている",
      "東京の夜景、雨上がり",
      "고양이가 창가에서 잔다",
      "ภาพแมวนอนหลับ",
    ]
  ) h.add(entry(text));
  return h;
}

const found = (h: HistoryStore, q: string) =>
  h.list({ limit: 20, q }).history.map((e) => e.user_input);

Deno.test("an emoji-only search finds the rows with that emoji, and a symbol-only one none, never every row", () => {
  const h = seeded();
  deepEqual(found(h, "🦊"), ["a fox 🦊 at dusk"]);
  deepEqual(found(h, "🦊 dusk"), ["a fox 🦊 at dusk"]);
  for (const q of ["🙂", "👍🏽", "★", "❤️", "🦊 cat"]) deepEqual(found(h, q), [], q);
  // A blank search is no search at all.
  equal(h.list({ limit: 20, q: "   " }).total, 6);
});

Deno.test("a CJK word inside a run of CJK text is found, alone or beside other words", () => {
  const h = seeded();
  deepEqual(found(h, "窓辺"), ["猫が窓辺で眠っている"]);
  deepEqual(found(h, "眠っ"), ["猫が窓辺で眠っている"]);
  deepEqual(found(h, "猫"), ["猫が窓辺で眠っている"]);
  deepEqual(found(h, "夜景"), ["東京の夜景、雨上がり"]);
  deepEqual(found(h, "雨上がり 東京"), ["東京の夜景、雨上がり"]);
  deepEqual(found(h, "창가"), ["고양이가 창가에서 잔다"]);
  deepEqual(found(h, "แมว"), ["ภาพแมวนอนหลับ"]);
  // The characters must stand together: 京 and 夜 are both in the row, but not as "京夜".
  deepEqual(found(h, "京夜"), []);
  deepEqual(found(h, "cat"), ["a cat on a windowsill"]);
  equal(
    snippet({ user_input: "東京の夜景、雨上がり", positive: "" }, ["夜景"]),
    "東京の[[夜景]]、雨上がり",
  );
});

Deno.test("a database from before the CJK index is re-indexed when opened, rows and counts intact", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/history.db`;
    const old = new DatabaseSync(path);
    for (const step of MIGRATIONS.slice(0, 5)) old.exec(step);
    old.exec("PRAGMA user_version = 5");
    const insert = old.prepare(
      `INSERT INTO prompt_history (timestamp, user_input, generated_output, positive, model, mode,
       fingerprint) VALUES ('2026-01-01T00:00:00Z', ?, 'x', ?, 'flux', 'oneshot', ?)`,
    );
    insert.run("東京の夜景", "a city at night", "f1");
    insert.run("a fox", "a fox 🦊", "f2");
    old.close();
    const h = new HistoryStore(openDatabase(path));
    deepEqual(found(h, "夜景"), ["東京の夜景"]);
    deepEqual(found(h, "🦊"), ["a fox"]);
    equal(h.list({ limit: 5 }).total, 2);
    h.delete(h.list({ limit: 5 }).history[0]!.id);
    deepEqual(found(h, "fox"), []);
    equal(h.list({ limit: 5 }).total, 1);
    h.db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
