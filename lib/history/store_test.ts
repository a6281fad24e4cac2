import { deepEqual, equal, ok } from "node:assert/strict";
import { openDatabase, SCHEMA_VERSION } from "./db.ts";
import { HistoryStore, type NewHistoryEntry, SEARCH_WINDOW } from "./store.ts";
import { parseSearch, snippet } from "./search.ts";

function entry(
  input: string,
  output = `out ${input}`,
  extra: Partial<NewHistoryEntry> = {},
): NewHistoryEntry {
  return {
    user_input: input,
    generated_output: output,
    positive: output,
    negative: null,
    model: "flux",
    ollama_model: "qwen3:latest",
    presets: {},
    mode: "oneshot",
    ...extra,
  };
}

function store() {
  let t = Date.parse("2026-01-01T00:00:00Z");
  return new HistoryStore(openDatabase(":memory:"), { now: () => new Date(t += 1000) });
}

Deno.test("openDatabase() migrates an empty file to the current schema version", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const db = openDatabase(`${dir}/h.db`);
    const v = db.prepare("PRAGMA user_version").get() as { user_version: number };
    equal(v.user_version, SCHEMA_VERSION);
    const mode = db.prepare("PRAGMA journal_mode").get() as { journal_mode: string };
    equal(mode.journal_mode, "wal");
    db.close();
    const again = openDatabase(`${dir}/h.db`);
    equal(
      (again.prepare("PRAGMA user_version").get() as { user_version: number }).user_version,
      SCHEMA_VERSION,
    );
    again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HistoryStore lists newest first with a total and stable offsets", () => {
  const h = store();
  for (let i = 1; i <= 25; i++) h.add(entry(`idea ${i}`));
  const page1 = h.list({ limit: 10 });
  equal(page1.total, 25);
  deepEqual(page1.history.map((e) => e.user_input).slice(0, 2), ["idea 25", "idea 24"]);
  const page3 = h.list({ limit: 10, offset: 20 });
  deepEqual(page3.history.map((e) => e.user_input), [
    "idea 5",
    "idea 4",
    "idea 3",
    "idea 2",
    "idea 1",
  ]);
});

Deno.test("HistoryStore search is ranked, prefix-matching and diacritics-insensitive", () => {
  const h = store();
  h.add(entry("a café in Paris", "warm café interior"));
  h.add(entry("a dragon", "dragon over mountains"));
  h.add(entry("dragonfly macro", "a dragonfly on a leaf"));
  h.add(entry("crème brûlée on a table"));
  deepEqual(h.list({ limit: 10, q: "cafe" }).history.map((e) => e.user_input), ["a café in Paris"]);
  deepEqual(h.list({ limit: 10, q: "brulee" }).history.map((e) => e.user_input), [
    "crème brûlée on a table",
  ]);
  const drag = h.list({ limit: 10, q: "drag" });
  equal(drag.total, 2);
  equal(drag.history[0]!.snippet!.includes("[["), true);
  equal(h.list({ limit: 10, q: "zebra" }).total, 0);
  equal(h.list({ limit: 10, q: "  ** " }).total, 4, "a query without words lists everything");
  equal(parseSearch('a "Quoted" OR-thing')!.match, '"quoted" "or" "thing"*');
  equal(parseSearch("a")!.match, '"a"');
  equal(
    snippet({ user_input: "a lighthouse, at dusk", positive: "" }, ["lighthouse"]),
    "a [[lighthouse]], at dusk",
  );
});

Deno.test("HistoryStore filters by favorite, mode and target", () => {
  const h = store();
  const a = h.add(entry("one"))!;
  h.add(entry("two", "x", { mode: "chat", model: "sdxl" }));
  ok(h.setFavorite(a, true));
  equal(h.setFavorite(999, true), false);
  deepEqual(h.list({ limit: 10, favorite: true }).history.map((e) => e.id), [a]);
  equal(h.list({ limit: 10, mode: "chat" }).total, 1);
  equal(h.list({ limit: 10, model: "sdxl", q: "two" }).total, 1);
});

Deno.test("HistoryStore delete and re-adding the same import are idempotent", () => {
  const h = store();
  const e = entry("same", "out", { timestamp: "2025-01-01T00:00:00.000Z" });
  const id = h.addIfNew(e)!;
  equal(h.addIfNew(e), null, "the same entry imported twice is stored once");
  const twin = h.add(entry("twin"));
  ok(h.add(entry("twin")) !== twin, "ordinary saves are never merged");
  ok(h.delete(id));
  equal(h.delete(id), false);
  equal(h.list({ limit: 5, q: "same" }).total, 0, "deleted rows leave the search index");
});

Deno.test("HistoryStore ranks the newest matches and pages past the ranked window by recency", () => {
  const h = store();
  // The strongest match sits in the middle of the newest 200, so recency alone would not
  // put it first.
  for (let i = 0; i < 150; i++) h.add(entry(`fox number ${i}`, `plain ${i}`));
  const strong = h.add(entry("fox fox fox", "fox"));
  for (let i = 150; i < SEARCH_WINDOW + 30; i++) h.add(entry(`fox number ${i}`, `plain ${i}`));
  const first = h.list({ limit: 10, q: "fox" });
  equal(first.history[0]!.id, strong, "the most relevant comes first");
  equal(first.total, SEARCH_WINDOW + 31);
  equal(first.total_capped, false);
  const seen = new Set<number>();
  for (let offset = 0; offset < SEARCH_WINDOW + 31; offset += 7) {
    for (const e of h.list({ limit: 7, offset, q: "fox" }).history) {
      ok(!seen.has(e.id), `id ${e.id} appears on one page only`);
      seen.add(e.id);
    }
  }
  equal(seen.size, SEARCH_WINDOW + 31, "every match on exactly one page");
});

Deno.test("HistoryStore keeps an exact total without a search, and clear() empties search too", () => {
  const h = store();
  for (let i = 0; i < 12; i++) h.add(entry(`cat ${i}`));
  const id = h.list({ limit: 1 }).history[0]!.id;
  h.delete(id);
  equal(h.list({ limit: 5 }).total, 11);
  equal(h.clear(), 11);
  equal(h.list({ limit: 5 }).total, 0);
  equal(h.list({ limit: 5, q: "cat" }).total, 0);
});

Deno.test("HistoryStore ranks a match in the user's own words above the same match in the prompt", () => {
  const h = store();
  // Both rows hold "lighthouse" once and are the same length; only where it stands differs. The
  // one with it in the user's words is older, so recency alone would put the other first.
  const own = h.add(entry("a lighthouse at dusk", "calm waves, warm sky"))!;
  const prompt = h.add(entry("a quiet coast", "a lighthouse at noon"))!;
  deepEqual(h.list({ limit: 2, q: "lighthouse" }).history.map((e) => e.id), [own, prompt]);
});
