import { deepEqual, equal, match, ok } from "node:assert/strict";
import { startTestApp, type TestApp } from "./helpers.ts";

async function make(t: TestApp, input: string, model = "flux") {
  const res = await t.post("/generate", { input, model, engine: "composer" });
  return (await res.json()).history_id as number;
}

Deno.test("GET /history lists newest first with count, total and offset", async () => {
  const t = await startTestApp();
  try {
    for (let i = 1; i <= 7; i++) await make(t, `idea number ${i}`);
    const body = await (await t.request("/history?limit=3&offset=2")).json();
    equal(body.count, 3);
    equal(body.total, 7);
    equal(body.offset, 2);
    deepEqual(body.history.map((e: { user_input: string }) => e.user_input), [
      "idea number 5",
      "idea number 4",
      "idea number 3",
    ]);
    const entry = body.history[0];
    for (
      const key of [
        "id",
        "timestamp",
        "user_input",
        "generated_output",
        "model",
        "presets",
        "mode",
        "positive",
        "negative",
        "engine",
        "favorite",
      ]
    ) {
      ok(key in entry, key);
    }
  } finally {
    await t.close();
  }
});

Deno.test("GET /history validates limit, offset, favorite and mode", async () => {
  const t = await startTestApp();
  try {
    for (
      const [query, message] of [
        ["limit=0", /limit must be a whole number from 1 to 200/],
        ["limit=201", /limit/],
        ["limit=abc", /limit/],
        ["offset=-1", /offset/],
        ["favorite=maybe", /favorite must be true or false/],
        ["mode=nope", /mode must be one of/],
      ] as const
    ) {
      const res = await t.request(`/history?${query}`);
      equal(res.status, 400, query);
      match((await res.json()).message, message);
    }
  } finally {
    await t.close();
  }
});

Deno.test("GET /history?q= is full-text: ranked, prefix, diacritics-insensitive, with snippets", async () => {
  const t = await startTestApp();
  try {
    // The strongest match is the oldest, so only ranking (not recency) can put it first.
    await make(t, "lighthouse keeper portrait, lighthouse beam");
    await make(t, "a quiet café at dawn");
    await make(t, "lighthouse in a storm");
    const body = await (await t.request("/history?q=lightho")).json();
    equal(body.total, 2);
    equal(
      body.history[0].user_input,
      "lighthouse keeper portrait, lighthouse beam",
      "more hits rank first",
    );
    match(body.history[0].snippet, /\[\[lighthouse\]\]/);
    equal((await (await t.request("/history?q=CAFE")).json()).total, 1);
    equal(
      (await (await t.request(`/history?q=${encodeURIComponent('"); DROP TABLE x; --')}`)).json())
        .total,
      0,
    );
  } finally {
    await t.close();
  }
});

Deno.test("favorites: mark, filter and unmark", async () => {
  const t = await startTestApp();
  try {
    const a = await make(t, "one");
    await make(t, "two", "sdxl");
    const res = await t.app.request(`/history/${a}/favorite`, { method: "PUT" });
    deepEqual(await res.json(), { id: a, favorite: true });
    const favs = await (await t.request("/history?favorite=true")).json();
    deepEqual(favs.history.map((e: { id: number }) => e.id), [a]);
    equal((await (await t.request("/history?model=sdxl")).json()).total, 1);
    equal((await (await t.request("/history?mode=chat")).json()).total, 0);
    await t.app.request(`/history/${a}/favorite`, {
      method: "PUT",
      body: JSON.stringify({ favorite: false }),
    });
    equal((await (await t.request("/history?favorite=true")).json()).total, 0);
    equal((await t.app.request("/history/999/favorite", { method: "PUT" })).status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("DELETE /history/:id deletes one entry or answers 404", async () => {
  const t = await startTestApp();
  try {
    const id = await make(t, "gone soon");
    const res = await t.app.request(`/history/${id}`, { method: "DELETE" });
    deepEqual(await res.json(), { id, status: "deleted" });
    const again = await t.app.request(`/history/${id}`, { method: "DELETE" });
    equal(again.status, 404);
    match((await again.json()).message, new RegExp(`History item with ID ${id} not found`));
    equal((await t.app.request("/history/abc", { method: "DELETE" })).status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("clearing all history needs the explicit confirmation", async () => {
  const t = await startTestApp();
  try {
    await make(t, "a");
    await make(t, "b");
    const refused = await t.app.request("/history", { method: "DELETE" });
    equal(refused.status, 400);
    match((await refused.json()).message, /confirm=delete-all/);
    const res = await t.app.request("/history?confirm=delete-all", { method: "DELETE" });
    deepEqual(await res.json(), { status: "cleared", deleted: 2 });
    equal((await (await t.request("/history")).json()).total, 0);
  } finally {
    await t.close();
  }
});

Deno.test("export as json, csv and txt, and a json round trip imports without duplicates", async () => {
  const t = await startTestApp();
  const other = await startTestApp();
  try {
    await make(t, 'a "quoted", comma idea');
    await make(t, "=SUM(A1) formula-looking idea", "sdxl");
    const json = await t.request("/history/export?format=json");
    equal(json.status, 200);
    match(
      json.headers.get("content-disposition")!,
      /attachment; filename="promptsmith-history-\d{4}-\d{2}-\d{2}\.json"/,
    );
    const exported = await json.json();
    equal(exported.version, 1);
    equal(exported.entries.length, 2);

    const csv = await (await t.request("/history/export?format=csv")).text();
    const lines = csv.trim().split("\r\n");
    equal(lines.length, 3);
    ok(lines[0]!.startsWith("id,timestamp,mode,model"));
    ok(csv.includes('"a ""quoted"", comma idea"'));
    ok(csv.includes("'=SUM(A1) formula-looking idea"), "formula injection is neutralised");

    const txt = await (await t.request("/history/export?format=txt")).text();
    equal(txt.trim().split("\n").length, 2);
    equal((await t.request("/history/export?format=xml")).status, 400);

    const imported = await other.post("/history/import", exported);
    deepEqual(await imported.json(), { imported: 2, duplicates: 0, invalid: 0, errors: [] });
    const again = await other.post("/history/import", exported);
    deepEqual(await again.json(), { imported: 0, duplicates: 2, invalid: 0, errors: [] });
    const list = await (await other.request("/history")).json();
    equal(list.total, 2);
    deepEqual(
      list.history.map((
        e: { user_input: string; timestamp: string },
      ) => [e.user_input, e.timestamp]),
      exported.entries.reverse().map((
        e: { user_input: string; timestamp: string },
      ) => [e.user_input, e.timestamp]),
    );
    const bad = await other.post("/history/import", { entries: [{ nope: 1 }] });
    const report = await bad.json();
    equal(report.invalid, 1);
    match(report.errors[0], /^entries\.0\.timestamp/);
    equal((await other.post("/history/import", { hello: 1 })).status, 400);
  } finally {
    await t.close();
    await other.close();
  }
});

Deno.test("export streams 100,000 rows without building them in memory", async () => {
  const t = await startTestApp();
  try {
    const store = t.services.history.use();
    store.db.exec("BEGIN");
    for (let i = 0; i < 100_000; i++) {
      store.add({
        user_input: `idea ${i}`,
        generated_output: `out ${i}`,
        positive: `out ${i}`,
        negative: null,
        model: "flux",
        ollama_model: null,
        presets: {},
        mode: "oneshot",
      });
    }
    store.db.exec("COMMIT");
    const res = await t.request("/history/export?format=txt");
    const reader = res.body!.getReader();
    let chunks = 0;
    let lines = 0;
    let biggest = 0;
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks++;
      biggest = Math.max(biggest, value.length);
      for (const b of value) if (b === 10) lines++;
    }
    equal(lines, 100_000);
    ok(chunks >= 200, `${chunks} chunks`);
    ok(biggest < 64 * 1024, `largest chunk ${biggest} bytes`);
  } finally {
    await t.close();
  }
});

Deno.test("history routes answer 503 when the database cannot be opened, and generation still works", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/history.db`,
      "this is not a sqlite database, just text ".repeat(100),
    );
    const { loadConfig } = await import("../lib/app/config.ts");
    const { openServices, closeServices } = await import("../lib/app/services.ts");
    const { createApp } = await import("../main.ts");
    const services = await openServices(
      loadConfig({ env: { DATA_DIR: dir, OLLAMA_URL: "http://127.0.0.1:9" } }),
    );
    try {
      equal(services.history.peek(), null);
      match(services.history.problem!, /file is not a database/);
      const app = createApp(services);
      const res = await app.request("/history");
      equal(res.status, 503);
      const body = await res.json();
      equal(body.type, "history_unavailable");
      match(body.message, /Generation still works/);
      const gen = await app.request("/generate", {
        method: "POST",
        body: JSON.stringify({ input: "x", engine: "composer" }),
      });
      equal(gen.status, 200);
      equal((await gen.json()).history_id, null);
    } finally {
      closeServices(services);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a read-only database keeps generation working and says so on writes", async () => {
  const t = await startTestApp();
  try {
    const id = await make(t, "before read-only");
    t.services.history.use().db.exec("PRAGMA query_only = ON");
    const writes: [string, string, unknown?][] = [
      ["PUT", `/history/${id}/favorite`],
      ["DELETE", `/history/${id}`],
      ["POST", "/api/presets/custom", { kind: "styles", name: "Mine", text: "my words" }],
      ["POST", "/history/import", { entries: [] }],
    ];
    for (const [method, path, body] of writes) {
      const res = await t.app.request(path, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      equal(res.status, 503, `${method} ${path}`);
      const json = await res.json();
      equal(json.type, "history_unavailable");
      match(json.message, /readonly|read-only/);
    }
    const gen = await t.post("/generate", { input: "after read-only", engine: "composer" });
    equal(gen.status, 200);
    equal((await gen.json()).history_id, null);
    equal((await t.request("/history")).status, 200, "reading still works");
  } finally {
    await t.close();
  }
});
