import { deepEqual, equal, notEqual, ok, throws } from "node:assert/strict";
import { openDatabase } from "./db.ts";
import { HistoryStore, type NewHistoryEntry, SEARCH_WINDOW } from "./store.ts";
import { seededRandom } from "../prompt/random.ts";

function entry(input: string): NewHistoryEntry {
  return {
    user_input: input,
    generated_output: `out ${input}`,
    positive: `out ${input}`,
    negative: null,
    model: "flux",
    ollama_model: "qwen3:latest",
    presets: {},
    mode: "oneshot",
    timestamp: "2026-01-01T00:00:00.000Z",
  };
}

const ids = (h: HistoryStore, q: string, extra: { favorite?: boolean } = {}) =>
  h.list({ limit: 50, q, ...extra }).history.map((e) => e.id);

Deno.test("a repeated search sees entries added, deleted and favorited since it last ran", () => {
  const h = new HistoryStore(openDatabase(":memory:"));
  const a = h.add(entry("a lighthouse at dawn"));
  deepEqual(ids(h, "lighthouse"), [a]);
  const b = h.add(entry("a lighthouse in fog"));
  deepEqual(ids(h, "lighthouse"), [b, a]);
  h.delete(a);
  deepEqual(ids(h, "lighthouse"), [b]);
  deepEqual(ids(h, "lighthouse", { favorite: true }), []);
  h.setFavorite(b, true);
  deepEqual(ids(h, "lighthouse", { favorite: true }), [b]);
  h.clear();
  deepEqual(ids(h, "lighthouse"), []);
});

Deno.test("a repeated search sees what another connection to the same file wrote", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const h = new HistoryStore(openDatabase(`${dir}/h.db`));
    const other = new HistoryStore(openDatabase(`${dir}/h.db`));
    equal(h.list({ limit: 50, q: "harbour" }).total, 0);
    other.add(entry("a harbour at night"));
    equal(h.list({ limit: 50, q: "harbour" }).total, 1);
    other.db.close();
    h.db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a search shows each entry as it is now, whoever changed it, and hands out copies", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const h = new HistoryStore(openDatabase(`${dir}/h.db`));
    const other = new HistoryStore(openDatabase(`${dir}/h.db`));
    const a = h.add({ ...entry("a lighthouse at dawn"), presets: { style: "Noir" } });
    const first = (q: string) => h.list({ limit: 50, q }).history[0]!;
    equal(first("lighthouse").favorite, false);
    h.setFavorite(a, true);
    equal(first("lighthouse").favorite, true);
    other.setFavorite(a, false);
    equal(first("lighthouse d").favorite, false);
    // Two keystrokes read the same row: each page gets an entry of its own.
    const one = first("lighthouse da");
    const two = first("lighthouse daw");
    notEqual(one, two);
    one.snippet = "changed by the caller";
    equal(first("lighthouse daw").snippet, "a [[lighthouse]] at [[dawn]]");
    // What the copies share cannot be changed under the next search.
    throws(() => {
      (one.presets as Record<string, unknown>).style = "Pop art";
    }, TypeError);
    deepEqual(first("lighthouse dawn").presets, { style: "Noir" });
    other.db.close();
    h.db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a page keeps every row when reading it pushes older kept entries out", () => {
  const kept = new HistoryStore(openDatabase(":memory:"));
  const fresh = new HistoryStore(openDatabase(":memory:"), { searchCache: 0 });
  for (const h of [kept, fresh]) {
    for (let group = 0; group < 11; group++) {
      for (let i = 0; i < 50; i++) {
        h.add(entry(`tag${group} ${group === 0 || group === 10 ? "shared" : "alone"} ${i}`));
      }
    }
  }
  // Ten searches fill the kept entries, the first group's rows the oldest among them.
  for (let group = 0; group < 10; group++) kept.list({ limit: 50, q: `tag${group}` });
  const page = kept.list({ limit: 100, q: "shared" });
  equal(page.history.length, 100);
  deepEqual(page, fresh.list({ limit: 100, q: "shared" }));
});

Deno.test("typing searches over 1,000 rows gives the same pages with every cache on as with none", () => {
  const kept = new HistoryStore(openDatabase(":memory:"));
  const fresh = new HistoryStore(openDatabase(":memory:"), { searchCache: 0 });
  const words = ["lighthouse", "harbor", "highly", "detailed", "neon", "rain", "samurai", "cafe"];
  const more = ["dragon", "hill", "night", "noir", "castle", "forest", "hidden", "drift"];
  const rand = seededRandom(11);
  const pick = (list: string[]) => list[Math.floor(rand() * list.length)]!;
  for (let i = 0; i < 1000; i++) {
    const e = entry(`a ${pick(words)} ${pick(more)} ${pick(more)}`);
    const added = { ...e, positive: `${pick(words)}, ${e.user_input}, ${pick(more)}` };
    kept.add(added);
    fresh.add(added);
  }
  const queries = ["highly detailed", "neon rain", "hidden hill", "no", "dragon", "samurai c"];
  const typed = queries.flatMap((q) =>
    Array.from({ length: q.length }, (_, i) => q.slice(0, i + 1))
  )
    .filter((q) => q.trim());
  for (let round = 0; round < 2; round++) {
    for (const q of typed) {
      for (const offset of [0, 50]) {
        const query = { limit: 50, q, offset };
        deepEqual(kept.list(query), fresh.list(query), `${JSON.stringify(q)} at ${offset}`);
      }
    }
  }
});

Deno.test("paging through a search gives the same order with the ranked window kept or not", () => {
  const kept = new HistoryStore(openDatabase(":memory:"));
  const fresh = new HistoryStore(openDatabase(":memory:"), { searchCache: 0 });
  for (const h of [kept, fresh]) {
    for (let i = 0; i < SEARCH_WINDOW + 30; i++) {
      h.add(entry(i % 3 ? `a castle number ${i}` : `a castle and a castle ${i}`));
    }
  }
  for (const offset of [0, 20, 190, 200, 220]) {
    const q = { limit: 20, q: "castle", offset };
    deepEqual(kept.list(q), fresh.list(q));
    deepEqual(kept.list(q), fresh.list(q));
  }
});

Deno.test("searching as you type narrows the last search and finds what a fresh search finds", () => {
  const kept = new HistoryStore(openDatabase(":memory:"));
  const fresh = new HistoryStore(openDatabase(":memory:"), { searchCache: 0 });
  const subjects = ["lighthouse", "light rain", "library", "samurai", "salt", "Zürich café"];
  const places = ["at dawn", "in the rain", "by the lighthouse", "under lights", "in Zurich"];
  for (const h of [kept, fresh]) {
    for (let i = 0; i < 150; i++) {
      const e = entry(`a ${subjects[i % subjects.length]} ${places[(i * 7) % places.length]}`);
      h.add({ ...e, favorite: i % 4 === 0 });
    }
  }
  const typing = ["l", "li", "lig", "ligh", "light", "lighthouse", "lighthouse d", "lighthouse da"];
  const more = ["sa", "sam", "samurai", "samurai r", "samurai ra", "zu", "zur", "zuri", "zürich c"];
  for (const q of [...typing, ...more, "lib", "li", "l"]) {
    for (const favorite of [undefined, true]) {
      const query = { limit: 50, q, favorite };
      const a = kept.list(query);
      const b = fresh.list(query);
      deepEqual(
        a.history.map((e) => [e.id, e.snippet]),
        b.history.map((e) => [e.id, e.snippet]),
        `"${q}"${favorite ? " among favorites" : ""}`,
      );
      equal(a.total, b.total, `total of "${q}"`);
    }
  }
});

Deno.test("ranking and snippets follow rows deleted and added between keystrokes", () => {
  // The words a search keeps per row belong to that row alone: a new row never takes its id.
  const h = new HistoryStore(openDatabase(":memory:"));
  const quiet = h.add(entry("a quiet harbour"));
  const keeper = h.add(entry("a lighthouse keeper"));
  deepEqual(ids(h, "lighthouse"), [keeper]);
  deepEqual(ids(h, "harb"), [quiet]);
  h.delete(keeper);
  const night = h.add(entry("a harbour at night, harbour lights"));
  ok(night > keeper, "a deleted row's id is not given out again");
  deepEqual(ids(h, "lighthouse"), []);
  const found = h.list({ limit: 50, q: "harb" }).history;
  deepEqual(found.map((e) => e.id), [night, quiet], "the row with more hits ranks first");
  equal(found[0]!.snippet, "a [[harbour]] at night, [[harbour]] lights");
});
