import { equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { startTestApp, type TestApp } from "./helpers.ts";

/**
 * Every name `Object.prototype` has. Looked up by a user-given key in a plain object, each finds
 * something inherited (a function, or the prototype itself), never "not there".
 */
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype);
const protoKey = fc.constantFrom(...PROTO_KEYS);

/** JSON text whose objects have the given keys as own properties, as JSON.parse makes them. */
function objectJson(pairs: [string, string][]): string {
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
}

const idOrProto = (...real: string[]) => fc.oneof(protoKey, fc.constantFrom(...real));
const options = fc.array(
  fc.tuple(
    protoKey,
    fc.oneof(protoKey, fc.constantFrom("heavy_crosshatch")).map((v) => JSON.stringify(v)),
  ),
  { minLength: 1, maxLength: 2 },
).map(objectJson);
const universal = fc.array(
  fc.tuple(
    idOrProto("mood", "lighting", "weather_atmosphere"),
    fc.oneof(
      protoKey.map((v) => JSON.stringify(v)),
      fc.array(protoKey, { minLength: 1, maxLength: 2 }).map((v) => JSON.stringify(v)),
    ),
  ),
  { minLength: 1, maxLength: 2 },
).map(objectJson);

/** Selections that reach each lookup: real ids down to the level whose key is the prototype's. */
const selections = fc.oneof(
  fc.record({ universal }).map(({ universal }) => objectJson([["universal", universal]])),
  fc.tuple(fc.constantFrom("technical", "specifics", "level4", "level5"), options).map((
    [level, opts],
  ) =>
    objectJson([
      ["category", '"comic_book"'],
      ["type", '"marvel_style"'],
      ["artist", '"jim_lee"'],
      [level, opts],
    ])
  ),
  fc.tuple(
    fc.constantFrom("pack", "category", "type", "artist", "level1", "level2", "level3"),
    protoKey,
  ).map(([field, key]) =>
    objectJson([
      ...(field === "type" || field === "artist"
        ? [["category", '"comic_book"'] as [string, string]]
        : []),
      ...(field === "artist" ? [["type", '"marvel_style"'] as [string, string]] : []),
      [field, JSON.stringify(key)],
    ])
  ),
  fc.tuple(protoKey, protoKey).map(([k, v]) => objectJson([[k, JSON.stringify(v)]])),
);

/** A generation request's fields with one of them naming a prototype property. */
const generation: fc.Arbitrary<[string, string][]> = fc.oneof(
  fc.tuple(
    fc.constantFrom("style", "artist", "composition", "lighting", "model", "ollama_model"),
    protoKey,
  ).map(([field, key]): [string, string][] => [[field, JSON.stringify(key)]]),
  selections.map((sel): [string, string][] => [["selections", sel]]),
  protoKey.map((key): [string, string][] => [[key, '"x"']]),
);

interface Case {
  method: string;
  path: string;
  body: string;
}

const jsonCase: fc.Arbitrary<Case> = fc.oneof(
  fc.tuple(
    fc.constantFrom(
      ["/generate", "input"],
      ["/generate-stream", "input"],
      ["/chat", "message"],
      ["/generate-batch", "input"],
    ),
    generation,
    fc.constantFrom("ollama", "composer"),
  ).map(([[path, field], pairs, engine]) => ({
    method: "POST",
    path,
    body: objectJson([
      [field!, '"a fox"'],
      ...(path === "/chat" ? [] : [["engine", JSON.stringify(engine)] as [string, string]]),
      ...pairs,
    ]),
  })),
  fc.tuple(generation, protoKey).map(([pairs, persona]) => ({
    method: "POST",
    path: "/persona-chat",
    body: objectJson([["message", '"a fox"'], ["persona_id", JSON.stringify(persona)], ...pairs]),
  })),
  fc.tuple(protoKey, fc.option(protoKey)).map(([model, extra]) => ({
    method: "POST",
    path: "/api/tokens",
    body: objectJson([
      ["text", '"a fox"'],
      ["model", JSON.stringify(model)],
      ...(extra ? [[extra, "1"] as [string, string]] : []),
    ]),
  })),
  fc.tuple(fc.constantFrom("styles", "artists", "lighting", "packs"), protoKey, selections).map((
    [kind, name, sel],
  ) => ({
    method: "POST",
    path: "/api/presets/custom",
    body: objectJson([
      ["kind", JSON.stringify(kind)],
      ["name", JSON.stringify(name)],
      ["text", '"custom text"'],
      ...(kind === "packs" ? [["selections", sel] as [string, string]] : []),
    ]),
  })),
  fc.tuple(protoKey, protoKey).map(([model, role]) => ({
    method: "POST",
    path: "/v1/chat/completions",
    body: JSON.stringify({ model, messages: [{ role, content: "a fox" }] }),
  })),
  protoKey.map((model) => ({
    method: "POST",
    path: "/ollama/api/generate",
    body: JSON.stringify({ model, prompt: "a fox", stream: false }),
  })),
  fc.tuple(protoKey, idOrProto("KSampler", "CLIPTextEncode")).map(([id, type]) => ({
    method: "POST",
    path: "/api/comfyui/workflows",
    body: JSON.stringify({
      name: "w",
      workflow: JSON.parse(
        objectJson([
          ["1", JSON.stringify({ class_type: "KSampler", inputs: { positive: [id, 0] } })],
          [id, JSON.stringify({ class_type: type, inputs: { text: "a" } })],
        ]),
      ),
    }),
  })),
);

/** Fails the test on a 500, or on a prompt or an LLM request that says "undefined". */
async function check(t: TestApp, res: Response, where: string, askedBefore: number) {
  const text = await res.text();
  ok(
    res.status < 500 || res.status === 502 || res.status === 503,
    `${where} gave ${res.status}: ${text.slice(0, 300)}`,
  );
  if (res.status < 300) ok(!text.includes("undefined"), `${where} answered ${text.slice(0, 300)}`);
  for (const req of t.fake.chatRequests().slice(askedBefore)) {
    const sent = JSON.stringify(req);
    ok(!sent.includes("undefined"), `${where} sent the model ${sent.slice(0, 400)}`);
  }
}

Deno.test("property: JSON routes given Object.prototype names as keys and values never answer 500 or write undefined", async () => {
  const t = await startTestApp({ fake: { reply: () => "PROMPT: a fox at dusk." } });
  const statuses = new Map<number, number>();
  try {
    await fc.assert(
      fc.asyncProperty(jsonCase, async (c) => {
        const before = t.fake.chatRequests().length;
        const res = await t.app.request(c.path, {
          method: c.method,
          headers: { "content-type": "application/json" },
          body: c.body,
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        await check(t, res, `${c.method} ${c.path} ${c.body}`, before);
      }),
      { numRuns: 400, seed: 18 },
    );
    ok((statuses.get(400) ?? 0) > 50, JSON.stringify([...statuses]));
    ok((statuses.get(200) ?? 0) > 10, JSON.stringify([...statuses]));
  } finally {
    await t.close();
  }
});

const formField = fc.oneof(
  fc.tuple(fc.constantFrom("u.", "tech.", "spec."), protoKey, protoKey).map((
    [prefix, key, value],
  ) => [[`${prefix}${key}`, value]] as [string, string][]),
  fc.tuple(
    fc.constantFrom("style", "artist", "composition", "lighting", "model", "persona_id"),
    protoKey,
  ).map(([k, v]) => [[k, v]] as [string, string][]),
  fc.tuple(fc.constantFrom("tech.", "spec."), protoKey, protoKey).map(([prefix, key, value]) =>
    [
      ["category", "comic_book"],
      ["type", "marvel_style"],
      ["h_artist", "jim_lee"],
      [`${prefix}${key}`, value],
    ] as [string, string][]
  ),
  fc.tuple(fc.constantFrom("category", "type", "h_artist"), protoKey).map(([k, v]) =>
    [["category", "comic_book"], ["type", "marvel_style"], [k, v]] as [string, string][]
  ),
  protoKey.map((k) => [[k, "x"]] as [string, string][]),
);

Deno.test("property: form routes given Object.prototype names as fields and values never answer 500 or write undefined", async () => {
  const t = await startTestApp({ fake: { reply: () => "PROMPT: a fox at dusk." } });
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          "/ui/generate",
          "/ui/form",
          "/ui/state",
          "/ui/presets/pack",
          "GET /",
          "GET /ui/picker",
          "/ui/batch",
        ),
        fc.array(formField, { minLength: 1, maxLength: 3 }).map((f) => f.flat()),
        fc.boolean(),
        async (route, fields, htmx) => {
          const before = t.fake.chatRequests().length;
          const all: [string, string][] = [["input", "a fox"], ...fields];
          const query = new URLSearchParams(all).toString();
          const headers: Record<string, string> = htmx ? { "HX-Request": "true" } : {};
          const res = route.startsWith("GET ")
            ? await t.app.request(`${route.slice(4)}?${query}`, { headers })
            : await t.app.request(route, {
              method: "POST",
              headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
              body: route === "/ui/presets/pack"
                ? new URLSearchParams([["name", fields[0]![1]], ...all]).toString()
                : query,
            });
          await check(t, res, `${route} ${query}`, before);
        },
      ),
      { numRuns: 300, seed: 18 },
    );
  } finally {
    await t.close();
  }
});

Deno.test("replaying imported rows whose presets name Object.prototype properties never answers 500", async () => {
  const t = await startTestApp({ fake: { reply: () => "PROMPT: a fox at dusk." } });
  try {
    const presetsOf = (key: string) => [
      { style: key },
      { hierarchical: { universal: JSON.parse(objectJson([[key, JSON.stringify(key)]])) } },
      {
        hierarchical: {
          category: "comic_book",
          type: "marvel_style",
          artist: "jim_lee",
          technical: JSON.parse(objectJson([[key, '"x"']])),
        },
      },
      { hierarchical: JSON.parse(objectJson([[key, '"x"']])) },
      { hierarchical: { pack: key } },
    ];
    const entries = PROTO_KEYS.flatMap((key, i) =>
      presetsOf(key).map((presets, j) => ({
        timestamp: new Date(Date.UTC(2026, 0, 1, 0, i, j)).toISOString(),
        user_input: `a fox ${i}.${j}`,
        generated_output: "a fox",
        model: "flux",
        mode: "oneshot",
        presets,
      }))
    );
    const imported = await t.post("/history/import", { entries });
    equal(imported.status, 200, await imported.clone().text());
    const rows = t.services.history.use().list({ limit: 1000 }).history;
    equal(rows.length, entries.length);
    for (const row of rows) {
      const before = t.fake.chatRequests().length;
      const res = await t.post(`/history/${row.id}/replay`, {});
      await check(t, res, `replay of ${JSON.stringify(row.presets)}`, before);
      const page = await t.request(`/?reuse=${row.id}`);
      await check(t, page, `reuse of ${JSON.stringify(row.presets)}`, before);
    }
  } finally {
    await t.close();
  }
});

Deno.test('style "toString" is a 400 naming the field, for the LLM and the composer alike', async () => {
  const t = await startTestApp();
  try {
    for (const engine of ["ollama", "composer"]) {
      for (const field of ["style", "artist", "composition", "lighting"]) {
        const res = await t.post("/generate", { input: "a fox", engine, [field]: "toString" });
        const body = await res.json();
        equal(res.status, 400, JSON.stringify(body));
        ok(body.message.startsWith(`${field}: unknown preset "toString"`), body.message);
      }
    }
    equal(t.fake.chatRequests().length, 0);
  } finally {
    await t.close();
  }
});
