import { equal, match, ok } from "node:assert/strict";
import { startTestApp } from "./helpers.ts";
import { makePng, textChunk } from "./support/png_writer.ts";
import { a1111Png, plainJpeg } from "./support/sample_images.ts";
import { MAX_IMAGE_BYTES } from "../lib/images/limits.ts";

function form(fields: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  };
}

const READING = JSON.stringify({
  source: "a1111",
  positive: "a cat",
  negative: "",
  settings: { seed: 1, other: {} },
  warnings: [],
});
const FACTS = JSON.stringify({ format: "png", width: 64, height: 48, bytes: 1000 });

Deno.test("pages: saving a reading takes back only the thumbnail and reading this page made", async () => {
  const t = await startTestApp();
  try {
    const thumb = (await plainJpeg(64, 48)).toBase64();
    const saved = await t.request(
      "/ui/images/save",
      form({ reading: READING, image: FACTS, thumbnail: thumb, model: "sdxl" }),
    );
    equal(saved.status, 303);
    equal(saved.headers.get("location"), "/ui/history");
    const entry = t.services.history.use().list({ limit: 1 }).history[0]!;
    equal(entry.positive, "a cat");
    equal(entry.source_image?.thumbnail_width, 64);
    const forged: [Record<string, string>, RegExp][] = [
      [
        { reading: READING, image: FACTS, thumbnail: makePng(8, 8).toBase64() },
        /thumbnail: not the thumbnail this page made/,
      ],
      [
        { reading: READING, image: FACTS, thumbnail: (await plainJpeg(300, 20)).toBase64() },
        /thumbnail: not the thumbnail/,
      ],
      [{ reading: READING, image: FACTS, thumbnail: "@@@" }, /thumbnail: not the thumbnail/],
      [
        { reading: READING.replace('"a cat"', JSON.stringify("x".repeat(30_000))), image: FACTS },
        /reading: not a reading this page made/,
      ],
      [{ reading: "{", image: FACTS }, /reading: missing or not JSON/],
      [{ reading: READING, image: FACTS.replace('"png"', '"gif"') }, /image: not a reading/],
    ];
    for (const [fields, message] of forged) {
      const res = await t.request("/ui/images/save", form(fields));
      equal(res.status, 400);
      match(await res.text(), message);
    }
    equal(t.services.history.use().list({ limit: 5 }).total, 1);
  } finally {
    await t.close();
  }
});

Deno.test("pages: without JavaScript, a missing or oversize picture comes back as the page with the error", async () => {
  const t = await startTestApp();
  try {
    const empty = new FormData();
    empty.append("input", "keep me");
    const none = await t.request("/ui/images/read", { method: "POST", body: empty });
    equal(none.status, 400);
    const html = await none.text();
    match(html, /image: choose a picture first/);
    match(html, />keep me<\/textarea>/, "the form keeps what was typed");
    const big = new FormData();
    big.append("image", new File([new Uint8Array(MAX_IMAGE_BYTES * 1.5)], "big.png"));
    const over = await t.request("/ui/images/describe", { method: "POST", body: big });
    equal(over.status, 413);
    ok((over.headers.get("content-type") ?? "").startsWith("text/html"));
    match(await over.text(), /images may be at most 20 MB/);
  } finally {
    await t.close();
  }
});

Deno.test("pages: text from a picture's metadata is shown escaped, never run", async () => {
  const t = await startTestApp();
  try {
    const evil = makePng(8, 8, [
      textChunk(
        "parameters",
        '</textarea><script>alert(1)</script>"><img src=x onerror=alert(2)>\nNegative prompt: <b>x</b>\nSteps: 1, Seed: 2, Sampler: <i>s</i>',
      ),
    ]);
    const body = new FormData();
    body.append("image", new File([evil as Uint8Array<ArrayBuffer>], "<x>.png"));
    const html = await (await t.request("/ui/images/read", { method: "POST", body })).text();
    equal(html.includes("<script>alert(1)"), false);
    equal(html.includes("<img src=x"), false);
    equal(html.includes("<b>x</b>"), false);
    equal(html.includes("<i>s</i>"), false);
    match(html, /&lt;\/textarea>&lt;script>alert\(1\)/);
  } finally {
    await t.close();
  }
});

Deno.test("pages: the vision hint says when the LLM server does not answer", async () => {
  const t = await startTestApp({ ollamaDown: true });
  try {
    match(
      await (await t.request("/ui/images/vision-models")).text(),
      /The LLM server does not answer now/,
    );
  } finally {
    await t.close();
  }
});

Deno.test("pages: the vision hint names the models that read images; history shows thumbnails and no Replay for pictures", async () => {
  const t = await startTestApp();
  try {
    match(
      await (await t.request("/ui/images/vision-models")).text(),
      /Models that read images: <code>gemma3:4b<\/code>/,
    );
    const read = await t.post("/api/images/read", { image: a1111Png().toBase64(), save: true });
    const id = (await read.json()).history_id;
    const page = await (await t.request("/ui/history")).text();
    match(page, new RegExp(`<img src="/history/${id}/thumbnail" width="64" height="48"`));
    equal(page.includes(`/ui/history/${id}/replay`), false);
    const replay = await t.request(`/history/${id}/replay`, { method: "POST" });
    equal(replay.status, 400);
    match(
      (await replay.json()).message,
      /cannot be replayed: it was read from a picture, and pictures are not kept/,
    );
  } finally {
    await t.close();
  }
});
