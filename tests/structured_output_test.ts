/**
 * Structured replies (issue 17): one-shot generation asks for JSON with a schema, streams only
 * the string values, and falls back once to labelled text when the server refuses `format` or
 * the JSON is broken. Chat and personas stay text.
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { readSse, startTestApp } from "./helpers.ts";
import { startFakeOpenAi } from "./fakes/fake_openai.ts";
import { startAppAt } from "./helpers.ts";
import { ConfigError, loadConfig } from "../lib/app/config.ts";
import { replySchema } from "../lib/generate/structured.ts";
import { closeLogging, setupLogging } from "../lib/app/logger.ts";

const SDXL = { input: "a fox in the snow", model: "sdxl" };

function schemaOf(request: Record<string, unknown>): Record<string, unknown> | undefined {
  return request.format as Record<string, unknown> | undefined;
}

Deno.test("one-shot generation sends a schema with positive, and negative only when the target has one", async () => {
  const t = await startTestApp();
  try {
    const sdxl = await (await t.post("/generate", SDXL)).json();
    const flux = await (await t.post("/generate", { input: "a fox", model: "flux" })).json();
    const [first, second] = t.fake.chatRequests();
    deepEqual(schemaOf(first!), replySchema({ negative: true }));
    deepEqual(Object.keys(schemaOf(first!)!.properties as object), ["positive", "negative"]);
    deepEqual(Object.keys(schemaOf(second!)!.properties as object), ["positive"]);
    ok(
      (first!.messages as { role: string; content: string }[]).some((m) =>
        m.role === "system" && m.content.includes("one JSON object")
      ),
      "the shape is said in the messages too",
    );
    equal(sdxl.positive.startsWith("masterpiece, best quality, (a fox in the snow:1.2)"), true);
    equal(sdxl.negative.startsWith("blurry, lowres"), true);
    ok(!/[{}"]|positive|POSITIVE/.test(sdxl.positive + sdxl.negative), "no JSON left in either");
    ok(!/[{}]/.test(sdxl.result), "result is the reply's text, not its braces");
    equal(flux.negative, null);
    ok(flux.positive.startsWith("A fox, rendered as"));
  } finally {
    await t.close();
  }
});

Deno.test("a structured stream shows only the string values, never braces, keys or escapes", async () => {
  const t = await startTestApp({
    fake: {
      reply: () => 'POSITIVE: a "red" fox, snow\\dust, dawn\nNEGATIVE: blurry, lowres',
    },
  });
  try {
    const events = await readSse(await t.post("/generate-stream", SDXL));
    const shown = events.filter((e) => "token" in e).map((e) => e.token).join("");
    equal(shown, 'a "red" fox, snow\\dust, dawn\n\nblurry, lowres');
    const done = events.find((e) => e.done)!;
    equal(done.positive, 'a "red" fox, snow\\dust, dawn');
    equal(done.result, shown, "the tokens are the result");
    ok(schemaOf(t.fake.chatRequests()[0]!));
  } finally {
    await t.close();
  }
});

Deno.test("a server that refuses format (400) gets the labelled-text request once; auto stops asking", async () => {
  const t = await startTestApp({ fake: { formatReplies: "refuse" } });
  try {
    const events = await readSse(await t.post("/generate-stream", SDXL));
    const done = events.find((e) => e.done)!;
    ok(!events.some((e) => "error" in e), "the user sees no error");
    ok(String(done.positive).startsWith("masterpiece, best quality"));
    ok(String(done.negative).startsWith("blurry"));
    const sent = t.fake.chatRequests();
    equal(sent.length, 2, "one refused request, one text request");
    ok(schemaOf(sent[0]!));
    equal(sent[1]!.format, undefined);
    ok(
      !(sent[1]!.messages as { content: string }[]).some((m) => m.content.includes("JSON object")),
      "the text request is the plain one",
    );
    equal(done.history_id !== null, true);

    await t.post("/generate", SDXL);
    equal(t.fake.chatRequests().length, 3, "auto remembers the refusal: one request");
    equal(t.fake.chatRequests()[2]!.format, undefined);
  } finally {
    await t.close();
  }
});

Deno.test("STRUCTURED_OUTPUT=on asks every time and still falls back; off never asks", async () => {
  const on = await startTestApp({
    fake: { formatReplies: "refuse" },
    env: { STRUCTURED_OUTPUT: "on" },
  });
  try {
    await on.post("/generate", SDXL);
    const body = await (await on.post("/generate", SDXL)).json();
    ok(body.positive.startsWith("masterpiece"));
    deepEqual(on.fake.chatRequests().map((r) => r.format !== undefined), [
      true,
      false,
      true,
      false,
    ]);
    // Broken JSON in a row does not stop `on` from asking, as it stops `auto`.
    on.fake.set({ formatReplies: "invalid" });
    for (let i = 0; i < 4; i++) await on.post("/generate", SDXL);
    equal(
      on.fake.chatRequests().slice(4).filter((r) => r.format !== undefined).length,
      4,
      "on asks on",
    );
  } finally {
    await on.close();
  }
  const off = await startTestApp({ env: { STRUCTURED_OUTPUT: "off" } });
  try {
    const body = await (await off.post("/generate", SDXL)).json();
    ok(body.positive.startsWith("masterpiece"));
    equal(off.fake.chatRequests()[0]!.format, undefined);
  } finally {
    await off.close();
  }
  throws(() => loadConfig({ env: { STRUCTURED_OUTPUT: "sometimes" } }), ConfigError);
  equal(loadConfig({ env: {} }).structuredOutput, "auto");
});

Deno.test("invalid JSON from the model falls back once to labelled text, and auto keeps asking", async () => {
  const t = await startTestApp({ fake: { formatReplies: "invalid" } });
  try {
    const body = await (await t.post("/generate", SDXL)).json();
    ok(body.positive.startsWith("masterpiece, best quality"), body.positive);
    ok(body.negative.startsWith("blurry"));
    ok(!/rambles|[{}]/.test(body.positive + body.result));
    await t.post("/generate", SDXL);
    deepEqual(t.fake.chatRequests().map((r) => r.format !== undefined), [true, false, true, false]);
  } finally {
    await t.close();
  }
});

Deno.test("auto stops asking a model whose JSON keeps breaking; a reply that holds restarts the count", async () => {
  const t = await startTestApp({ fake: { formatReplies: "invalid" } });
  const asked = () => t.fake.chatRequests().map((r) => r.format !== undefined);
  try {
    // One slip, then a good reply: the model is still asked, and its count starts again.
    await t.post("/generate", SDXL);
    t.fake.set({ formatReplies: "follow" });
    await t.post("/generate", SDXL);
    t.fake.set({ formatReplies: "invalid" });
    deepEqual(asked(), [true, false, true]);
    for (let i = 0; i < 3; i++) await t.post("/generate", SDXL);
    deepEqual(asked().slice(3), [true, false, true, false, true, false]);
    const body = await (await t.post("/generate", SDXL)).json();
    ok(body.positive.startsWith("masterpiece, best quality"), body.positive);
    deepEqual(asked().slice(9), [false], "three broken replies in a row: one text request");
    const dry = await (await t.post("/generate", { ...SDXL, dry_run: true })).json();
    equal(dry.options.format, undefined, "the dry run shows the text request it would make");
  } finally {
    await t.close();
  }
});

Deno.test("a structured stream that breaks sends reset before the text retry, and ends clean", async () => {
  const t = await startTestApp({ fake: { formatReplies: "invalid" } });
  try {
    const events = await readSse(await t.post("/generate-stream", SDXL)) as Record<
      string,
      unknown
    >[];
    const at = events.findIndex((e) => e.reset === true);
    ok(at > 0, "the partial values came first, then the reset");
    const before = events.slice(0, at).map((e) => e.token ?? "").join("");
    ok(before.length > 0 && !/[{}"]/.test(before), before);
    const done = events.at(-1)!;
    ok(String(done.positive).startsWith("masterpiece, best quality"), String(done.positive));
    ok(!String(done.positive).includes("rambles"));
    ok(!String(done.result).includes("rambles"), "the result is the retry's reply alone");
  } finally {
    await t.close();
  }
});

Deno.test("chat and persona turns stay conversational text: no format", async () => {
  const t = await startTestApp();
  try {
    await t.post("/chat", { message: "a fox", model: "sdxl" });
    await t.post("/persona-chat", {
      message: "a fox",
      persona_id: "creative_vision_guide",
      model: "sdxl",
    });
    for (const r of t.fake.chatRequests()) equal(r.format, undefined);
  } finally {
    await t.close();
  }
});

Deno.test("batches ask for structured replies too", async () => {
  const t = await startTestApp();
  try {
    const events = await readSse(
      await t.post("/generate-batch", { inputs: ["a fox", "a heron"], model: "sdxl" }),
    );
    const items = events.filter((e) => "result" in e) as { result: { positive: string } }[];
    equal(items.length, 2);
    for (const item of items) ok(!/[{}"]/.test(item.result.positive), item.result.positive);
    for (const r of t.fake.chatRequests()) ok(schemaOf(r));
  } finally {
    await t.close();
  }
});

Deno.test("an OpenAI-compatible server gets response_format json_schema with the same schema", async () => {
  const fake = startFakeOpenAi();
  const t = await startAppAt(fake.url, { env: { LLM_BACKEND: "openai" } });
  try {
    const body = await (await t.post("/generate", SDXL)).json();
    const sent = fake.chatRequests()[0]!;
    const format = sent.response_format as { type: string; json_schema: { schema: unknown } };
    equal(format.type, "json_schema");
    deepEqual(format.json_schema.schema, replySchema({ negative: true }));
    ok(body.positive.startsWith("masterpiece, best quality"));
    ok(body.negative.startsWith("blurry"));
  } finally {
    await t.close();
    await fake.close();
  }
});

Deno.test("the fallback to labelled text leaves one line in the log and nothing else for the user", async () => {
  const dir = await Deno.makeTempDir();
  const t = await startTestApp({ fake: { formatReplies: "refuse" } });
  try {
    await setupLogging({ level: "INFO", logDir: dir });
    const res = await t.post("/generate", SDXL);
    equal(res.status, 200);
    const body = await res.json();
    ok(!JSON.stringify(body).includes("structured"), "the reply says nothing of it");
    await closeLogging();
    const logged = Deno.readTextFileSync(`${dir}/app.log`).split("\n")
      .filter((l) => l.includes("gave no structured reply"));
    equal(logged.length, 1, "one line");
    ok(logged[0]!.includes("qwen3:latest") && logged[0]!.includes("labelled text"));
  } finally {
    await closeLogging();
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
});
