import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { openDatabase } from "./db.ts";
import { HistoryStore } from "./store.ts";
import { AppError } from "../app/errors.ts";
import { importStream, JsonListSplitter } from "./transfer.ts";
import { describeTiming, withinBudget } from "../../tests/support/timing.ts";

function store(db = openDatabase(":memory:")) {
  return new HistoryStore(db);
}

function row(i: number, timestamp = new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString()) {
  return {
    timestamp,
    user_input: `idea ${i} with "quotes", [brackets] and {braces} \\ \u00e9`,
    generated_output: `prompt ${i}`,
    model: "flux",
    mode: "oneshot",
  };
}

function streamOf(text: string, chunk = 7): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

function total(h: HistoryStore): number {
  return h.list({ limit: 1 }).total;
}

Deno.test("the list splitter finds every entry however the text is cut", () => {
  const doc = JSON.stringify({ version: 1, note: "a [b] {c}", entries: [row(1), row(2), 3, null] });
  const whole = JSON.parse(doc).entries;
  for (let cut = 1; cut < 40; cut++) {
    const s = new JsonListSplitter();
    const found: string[] = [];
    for (let i = 0; i < doc.length; i += cut) found.push(...s.feed(doc.slice(i, i + cut)));
    s.end();
    deepEqual(found.map((t) => JSON.parse(t)), whole, `cut ${cut}`);
  }
  const bare = new JsonListSplitter();
  const items = bare.feed(JSON.stringify([row(1), row(2)]));
  bare.end();
  equal(items.length, 2);
});

Deno.test("the list splitter refuses text that is not JSON or holds no list", () => {
  for (const bad of ["", "{", '{"entries": [1,', "[1,2", '{"entries": []} x', "nope", '{"a":}']) {
    const s = new JsonListSplitter();
    let threw = false;
    try {
      s.feed(bad);
      s.end();
    } catch (err) {
      threw = err instanceof AppError && err.status === 400;
    }
    ok(threw, JSON.stringify(bad));
  }
  const none = new JsonListSplitter();
  none.feed('{"hello": 1}');
  match(
    String((() => {
      try {
        none.end();
      } catch (err) {
        return (err as Error).message;
      }
    })()),
    /entries/,
  );
});

Deno.test("the list splitter takes 1 MB of other lists before the entries in linear time", async () => {
  // Each `[` of the object around the list was checked against all the text before it (over a
  // minute here); linear, it takes about 60 ms, and the budget leaves room for a loaded machine.
  const doc = `{${'"x":[],'.repeat(150_000)}"entries" : [${JSON.stringify(row(1))}]}`;
  const timed = await withinBudget(() => {
    const s = new JsonListSplitter();
    const found: string[] = [];
    for (let i = 0; i < doc.length; i += 128 * 1024) {
      found.push(...s.feed(doc.slice(i, i + 128 * 1024)));
    }
    s.end();
    equal(found.length, 1);
  }, 300);
  ok(timed.ok, describeTiming(timed.last));
});

Deno.test("the list splitter takes the entries only from the top-level entries key", () => {
  for (
    const [doc, want] of [
      ['{"entries" :\n [1, 2]}', [1, 2]],
      ['{"a": "entries", "b": [3], "entries": [4]}', [4]],
      ['{"meta": {"entries": [5]}, "entries": [6]}', [6]],
      ['{"entriesx": [7], "entries": [8]}', [8]],
      ['{"entr\\u0069es": [9], "entries": [10]}', [10]],
    ] as const
  ) {
    for (let cut = 1; cut <= doc.length; cut++) {
      const s = new JsonListSplitter();
      const found: string[] = [];
      for (let i = 0; i < doc.length; i += cut) found.push(...s.feed(doc.slice(i, i + cut)));
      s.end();
      deepEqual(found.map((t) => JSON.parse(t)), want, `${doc} cut ${cut}`);
    }
  }
});

Deno.test("import: timestamps must be real ISO times between 1970 and 9999", async () => {
  const h = store();
  const entries = [
    row(1, "0000-01-01T00:00:00+23:59"),
    row(2, "1969-12-31T23:59:59Z"),
    row(3, "9999-12-31T23:59:59-05:00"),
    row(4, "2025-02-30T00:00:00Z"),
    row(5, "1970-01-01T00:00:00.000Z"),
    row(6, "9999-12-31T23:59:59.999Z"),
    row(7, "2025-06-01T12:00:00+02:00"),
  ];
  const report = await importStream(h, streamOf(JSON.stringify({ entries })));
  equal(report.imported, 3);
  equal(report.invalid, 4);
  for (const e of report.errors) match(e, /^entries\.[0-3]\.timestamp: /);
  deepEqual(
    h.list({ limit: 10 }).history.map((e) => e.timestamp).sort(),
    ["1970-01-01T00:00:00.000Z", "2025-06-01T10:00:00.000Z", "9999-12-31T23:59:59.999Z"],
  );
});

Deno.test("import: text that turns out not to be JSON half-way leaves nothing", async () => {
  const h = store();
  h.add({ ...row(0), positive: "kept", negative: null, ollama_model: null, presets: {} } as never);
  const entries = Array.from({ length: 2000 }, (_, i) => JSON.stringify(row(i + 1)));
  const text = `{"entries": [${entries.join(",")}, {"timestamp": `;
  await rejects(importStream(h, streamOf(text, 4096)), (err) => {
    ok(err instanceof AppError && err.status === 400, String(err));
    return true;
  });
  equal(total(h), 1, "only the row from before");
});

Deno.test("import: an import cut off by a crash is removed when the store opens again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/h.db`;
    const h = store(openDatabase(path));
    await importStream(h, streamOf(JSON.stringify([row(1)])));
    // What a crash leaves: an import marked as started, with some of its rows written.
    h.db.exec("INSERT INTO history_imports (id, started_at) VALUES (99, '2026-01-01')");
    const insert = h.db.prepare(
      `INSERT INTO prompt_history (timestamp, user_input, generated_output, model, mode, fingerprint, import_id)
       VALUES ('2026-01-01T00:00:00.000Z', ?, 'x', 'flux', 'oneshot', ?, 99)`,
    );
    for (let i = 0; i < 5; i++) insert.run(`half ${i}`, `fp${i}`);
    equal(total(h), 6);
    h.db.close();
    const again = store(openDatabase(path));
    equal(total(again), 1, "the half import is gone, the finished one stays");
    equal(again.list({ q: "half", limit: 10 }).history.length, 0, "and out of the search index");
    again.db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("import: what is exported imports again unchanged", async () => {
  const h = store();
  const entries = [
    { ...row(1, "1970-01-01T00:00:00.000Z"), favorite: true, seed: 42, temperature: 0.7 },
    { ...row(2, "9999-12-31T23:59:59.999Z"), presets: { style: "noir" }, negative: "blur" },
    row(3, "2025-06-01T12:00:00+02:00"),
  ];
  equal((await importStream(h, streamOf(JSON.stringify({ entries })))).imported, 3);
  const { exportStream } = await import("./transfer.ts");
  const text = await new Response(exportStream(h, "json", new Date()).body).text();
  const other = store();
  const report = await importStream(other, streamOf(text, 1000));
  deepEqual(report, { imported: 3, duplicates: 0, invalid: 0, errors: [] });
  const strip = (s: HistoryStore) => s.list({ limit: 10 }).history.map(({ id: _id, ...e }) => e);
  deepEqual(strip(other), strip(h));
  deepEqual(
    await importStream(h, streamOf(text)),
    { imported: 0, duplicates: 3, invalid: 0, errors: [] },
  );
});
