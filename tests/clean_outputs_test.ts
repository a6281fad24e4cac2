/**
 * What users see (issue 17, point 5): from a chatty reply, the Prompt and Negative hold only the
 * prompts, in the API, history, exports, the CLI and the page; alternates and notes stay apart.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { MAIN, readSse, startTestApp } from "./helpers.ts";
import { startFakeOllama } from "./fakes/fake_ollama.ts";

const CHATTY = [
  "Sure! Here's an SDXL prompt for your idea:",
  "",
  "**Positive Prompt (SDXL):** masterpiece, best quality, red fox, snow, dawn light",
  "**Negative Prompt:** blurry, lowres, watermark",
  "",
  "Alternate A: red fox, snow, night, moonlight",
  "Alternate B: red fox, autumn forest, fog",
  "",
  "Explanation: the dawn light adds warmth. Let me know if you'd like any changes!",
].join("\n");

const POSITIVE = "masterpiece, best quality, red fox, snow, dawn light";
const NEGATIVE = "blurry, lowres, watermark";
const ALTERNATES = ["red fox, snow, night, moonlight", "red fox, autumn forest, fog"];
/** What must never be in a prompt box. */
const CHATTER = /Sure|Here's|Positive|Negative|\*\*|Alternate|Explanation|Let me know|:/;

// The text path: a server without structured outputs, or a model whose JSON broke.
const TEXT = { STRUCTURED_OUTPUT: "off" };

Deno.test("API, history and exports carry only the prompts; alternates and notes stay apart", async () => {
  const t = await startTestApp({ fake: { reply: () => CHATTY }, env: TEXT });
  try {
    const body = await (await t.post("/generate", { input: "a fox", model: "sdxl" })).json();
    equal(body.positive, POSITIVE);
    equal(body.negative, NEGATIVE);
    deepEqual(body.alternates, ALTERNATES);
    ok(body.notes.includes("the dawn light adds warmth"));
    ok(body.notes.includes("Let me know"));
    ok(!CHATTER.test(body.positive) && !CHATTER.test(body.negative));
    equal(body.result, CHATTY.trim(), "result keeps the reply");

    const events = await readSse(
      await t.post("/generate-stream", { input: "a fox", model: "sdxl" }),
    );
    const done = events.find((e) => e.done)!;
    equal(done.positive, POSITIVE);
    equal(done.negative, NEGATIVE);
    deepEqual(done.alternates, ALTERNATES);

    const row = await (await t.request(`/history/${body.history_id}`)).json();
    equal(row.positive, POSITIVE);
    equal(row.negative, NEGATIVE);
    deepEqual(row.alternates, ALTERNATES);
    equal(row.notes, body.notes);

    const json = await (await t.request("/history/export?format=json")).json();
    for (const e of json.entries) {
      equal(e.positive, POSITIVE);
      equal(e.negative, NEGATIVE);
      deepEqual(e.alternates, ALTERNATES, "the JSON export keeps the alternates");
      equal(e.notes, body.notes, "and the notes");
    }
    // An import of that export brings them back (a second app: the first has them already).
    const other = await startTestApp({ env: TEXT });
    try {
      const imported = await (await other.post("/history/import", json)).json();
      equal(imported.imported, 2, JSON.stringify(imported));
      const back = (await (await other.request("/history?limit=1")).json()).history[0];
      deepEqual(back.alternates, ALTERNATES);
      equal(back.notes, body.notes);
    } finally {
      await other.close();
    }
    const txt = await (await t.request("/history/export?format=txt")).text();
    deepEqual(txt.trim().split("\n"), [
      `${POSITIVE} --neg ${NEGATIVE}`,
      `${POSITIVE} --neg ${NEGATIVE}`,
    ]);
    const csv = await (await t.request("/history/export?format=csv")).text();
    ok(csv.includes(`"${POSITIVE}"`) || csv.includes(POSITIVE));
    ok(csv.split("\r\n")[0]!.endsWith(",alternates,notes"), "the CSV has them as columns");
    ok(csv.includes(JSON.stringify(ALTERNATES).replaceAll('"', '""')), "alternates as a JSON list");
  } finally {
    await t.close();
  }
});

Deno.test("the page without JavaScript shows the clean prompts; with htmx, alternates get a Copy each and notes fold away", async () => {
  const t = await startTestApp({ fake: { reply: () => CHATTY }, env: TEXT });
  try {
    const res = await t.app.request("/ui/generate", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ input: "a fox", model: "sdxl" }).toString(),
    });
    equal(res.status, 303);
    const page = await (await t.request(res.headers.get("location")!)).text();
    const box = (id: string) => page.match(new RegExp(`<textarea id="${id}"[^>]*>([^<]*)<`))?.[1];
    equal(box("positive"), POSITIVE);
    equal(box("negative"), NEGATIVE);
    // The result is rebuilt from the history row: its alternates and notes come with it.
    for (const a of ALTERNATES) ok(page.includes(`>${a}<`), `alternate ${a} without JavaScript`);
    equal((page.match(/data-copy="#alternate-\d"/g) ?? []).length, 2, "a Copy per alternate");
    ok(/<details class="thinking notes">\s*<summary>Notes from the model/.test(page), "notes");
    ok(page.includes("the dawn light adds warmth"));

    const run = await t.app.request("/ui/generate", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "HX-Request": "true" },
      body: new URLSearchParams({ input: "a fox", model: "sdxl" }).toString(),
    });
    const stream = run.headers.get("hx-redirect") ?? (await run.text()).match(
      /sse-connect="([^"]+)"/,
    )?.[1];
    ok(stream, "the htmx post starts a run");
    const events = await (await t.request(stream!)).text();
    const final = events.split("\n\n").find((e) => e.includes("event: final")) ?? "";
    ok(final.includes(`>${POSITIVE}<`), "the prompt box");
    ok(final.includes(`>${NEGATIVE}<`), "the negative box");
    for (const a of ALTERNATES) ok(final.includes(`>${a}<`), `alternate ${a}`);
    equal((final.match(/data-copy="#alternate-\d"/g) ?? []).length, 2, "a Copy per alternate");
    ok(/<details class="thinking notes">\s*(data: )?<summary>Notes from the model/.test(final));
  } finally {
    await t.close();
  }
});

Deno.test("the CLI prints the clean prompt (-q) and the clean fields (--json)", async () => {
  const fake = startFakeOllama({ reply: () => CHATTY });
  const dir = await Deno.makeTempDir();
  const run = async (args: string[]) => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, ...args],
      env: {
        NO_COLOR: "1",
        OLLAMA_STARTUP_CHECK: "false",
        DATA_DIR: dir,
        OLLAMA_URL: fake.url,
        ...TEXT,
      },
      cwd: dir,
    }).output();
    equal(code, 0, new TextDecoder().decode(stderr));
    return new TextDecoder().decode(stdout);
  };
  try {
    equal(await run(["generate", "-q", "a fox", "--target", "sdxl"]), `${POSITIVE}\n`);
    const body = JSON.parse(await run(["generate", "--json", "a fox", "--target", "sdxl"]));
    equal(body.positive, POSITIVE);
    equal(body.negative, NEGATIVE);
    deepEqual(body.alternates, ALTERNATES);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});
