import { equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { startTestApp } from "./helpers.ts";

const ROUTES: { method: string; path: string }[] = [
  { method: "POST", path: "/generate" },
  { method: "POST", path: "/generate-stream" },
  { method: "POST", path: "/chat" },
  { method: "POST", path: "/chat-stream" },
  { method: "POST", path: "/persona-chat" },
  { method: "POST", path: "/persona-chat-stream" },
  { method: "POST", path: "/reset" },
  { method: "POST", path: "/persona-reset" },
  { method: "POST", path: "/api/presets/custom" },
  { method: "PUT", path: "/api/presets/custom/1" },
  { method: "PUT", path: "/history/1/favorite" },
  { method: "POST", path: "/history/import" },
];

const KEYS = [
  "input",
  "message",
  "model",
  "ollama_model",
  "style",
  "artist",
  "composition",
  "lighting",
  "selections",
  "temperature",
  "seed",
  "keep_alive",
  "think",
  "dry_run",
  "engine",
  "fallback",
  "persona_id",
  "session_id",
  "kind",
  "name",
  "text",
  "negative",
  "entries",
  "favorite",
];

const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
  fc.dictionary(
    fc.constantFrom(
      "pack",
      "category",
      "type",
      "artist",
      "technical",
      "universal",
      "mood",
      "level1",
      "level4",
      "weather_atmosphere",
    ),
    fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
      fc.integer(),
    ),
  ),
  fc.constantFrom(
    "flux",
    "sdxl",
    "composer",
    "ghibli_magic",
    "Cinematic",
    "technical_engineer",
    "a cat",
  ),
);

const body = fc.oneof(
  fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  fc.json(),
  fc.string({ maxLength: 60 }),
  fc.constant(""),
  fc.constant("{"),
  fc.constant("[]"),
  fc.constant("null"),
);

function assertErrorShape(status: number, text: string, where: string): void {
  ok(status !== 500, `${where} gave 500: ${text.slice(0, 200)}`);
  const json = JSON.parse(text);
  if (status >= 400) {
    equal(typeof json.error, "string", where);
    equal(typeof json.message, "string", where);
    equal(json.status, status, where);
  }
}

Deno.test("property: no JSON route answers 500 or a non-JSON error for any body", async () => {
  const t = await startTestApp({ fake: { reply: () => "PROMPT: fine." } });
  const statuses = new Map<number, number>();
  try {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), body, async (route, raw) => {
        const res = await t.app.request(route.path, {
          method: route.method,
          headers: { "content-type": "application/json" },
          body: raw,
        });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const where = `${route.method} ${route.path} ${raw.slice(0, 120)}`;
        if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
          equal(res.status, 200, where);
          for (const frame of text.split("\n\n").filter(Boolean)) {
            JSON.parse(frame.replace(/^data: /, ""));
          }
          return;
        }
        assertErrorShape(res.status, text, where);
      }),
      { numRuns: 400, seed: 20261124 },
    );
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    equal(total, 400, "every generated body was sent");
    ok((statuses.get(400) ?? 0) > 100, "most random bodies are rejected as bad input");
    ok((statuses.get(200) ?? 0) > 5, "some random bodies are valid and succeed");
  } finally {
    await t.close();
  }
});

Deno.test("property: GET routes with any query or path segment never answer 500", async () => {
  const t = await startTestApp();
  try {
    const paths = [
      "/history",
      "/history/export",
      "/api/categories/%s/types",
      "/api/categories/photography/types/%s/artists",
      "/api/artists/photography/portrait/%s/technical",
      "/api/personas/%s",
      "/history/%s",
      "/api/presets/custom/%s",
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.string({ maxLength: 30 }),
        fc.dictionary(
          fc.constantFrom("limit", "offset", "q", "favorite", "mode", "model", "format"),
          fc.string({ maxLength: 20 }),
          { maxKeys: 4 },
        ),
        async (path, segment, query) => {
          const url = `${
            path.replace("%s", encodeURIComponent(segment) || "x")
          }?${new URLSearchParams(query)}`;
          const res = await t.app.request(url);
          const text = await res.text();
          ok(res.status !== 500, `${url}: ${text.slice(0, 200)}`);
          if (res.headers.get("content-type")?.includes("json")) {
            assertErrorShape(res.status, text, url);
          }
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  } finally {
    await t.close();
  }
});
