import { deepEqual, equal, match, ok } from "node:assert/strict";
import { startTestApp } from "./helpers.ts";
import { joinBytes, makePng, pngParts, textChunk, ztxtChunk } from "./support/png_writer.ts";
import { zlibZeros } from "./support/zip_bomb.ts";
import {
  a1111Jpeg,
  a1111Png,
  a1111Webp,
  COMFY_GRAPH,
  comfyPng,
  GIF,
  plainJpeg,
} from "./support/sample_images.ts";

async function read(t: Awaited<ReturnType<typeof startTestApp>>, bytes: Uint8Array, extra = {}) {
  const res = await t.post("/api/images/read", { image: bytes.toBase64(), ...extra });
  return { status: res.status, body: await res.json() };
}

Deno.test("POST /api/images/read: an A1111 PNG, JPEG and WebP give the prompt, negative and settings", async () => {
  const t = await startTestApp();
  try {
    for (const bytes of [a1111Png(), await a1111Jpeg(), await a1111Webp()]) {
      const { status, body } = await read(t, bytes);
      equal(status, 200, JSON.stringify(body));
      equal(body.source, "a1111");
      equal(body.positive, "a lighthouse on a cliff at dusk, <lora:film_grain:0.6>");
      equal(body.negative, "blurry, lowres");
      equal(body.settings.seed, 1234567);
      equal(body.settings.steps, 28);
      equal(body.settings.sampler, "DPM++ 2M Karras");
      equal(body.settings.model, "sd_xl_base_1.0");
      equal(body.api_graph, null);
      equal(body.history_id, null, "nothing is kept unless asked");
    }
    equal(t.services.history.use().list({ limit: 5 }).total, 0);
    equal(t.fake.chatRequests().length, 0, "no LLM is involved");
  } finally {
    await t.close();
  }
});

Deno.test("a ComfyUI PNG gives the sampler's prompts, and its graph saves as a workflow", async () => {
  const t = await startTestApp();
  try {
    const { status, body } = await read(t, comfyPng());
    equal(status, 200, JSON.stringify(body));
    equal(body.source, "comfyui");
    equal(body.positive, "a red fox in fresh snow, golden hour");
    equal(body.negative, "watermark, text");
    equal(body.settings.seed, 8566257);
    equal(body.settings.sampler, "euler");
    equal(body.settings.model, "juggernautXL.safetensors");
    deepEqual(body.api_graph, COMFY_GRAPH);
    const saved = await t.post("/api/comfyui/workflows", {
      name: "from png",
      workflow: body.api_graph,
    });
    equal(saved.status, 201);
    equal((await saved.json()).analysis.positive.length, 1);
  } finally {
    await t.close();
  }
});

Deno.test("save: true keeps the reading in history with a thumbnail, filed under the target", async () => {
  const t = await startTestApp();
  try {
    const { body } = await read(t, a1111Png(300, 200), { save: true, model: "sdxl" });
    ok(body.history_id > 0);
    const entry = await (await t.request(`/history/${body.history_id}`)).json();
    equal(entry.mode, "image-read");
    equal(entry.engine, "metadata");
    equal(entry.model, "sdxl");
    equal(entry.positive, "a lighthouse on a cliff at dusk, <lora:film_grain:0.6>");
    equal(entry.negative, "blurry, lowres");
    equal(entry.source_image.reading.settings.seed, 1234567);
    deepEqual([entry.source_image.thumbnail_width, entry.source_image.thumbnail_height], [
      256,
      171,
    ]);
    const list = await (await t.request("/history?mode=image-read")).json();
    equal(list.history[0].source_image.format, "png");
    const unknown = await read(t, a1111Png(), { save: true, model: "nope" });
    equal(unknown.status, 400);
    match(unknown.body.message, /unknown target "nope"/);
  } finally {
    await t.close();
  }
});

Deno.test("a picture without metadata says so; damaged and hostile files are 400s, quickly", async () => {
  const t = await startTestApp();
  try {
    const plain = await read(t, await plainJpeg());
    equal(plain.status, 200);
    equal(plain.body.source, "none");
    match(plain.body.message, /No prompt found in this image/);
    const p = pngParts(8, 8);
    const cases: [Uint8Array, RegExp][] = [
      [GIF, /this is a GIF image; use a PNG, JPEG or WebP image/],
      [a1111Png().subarray(0, 60), /cut short|declares/],
      [
        joinBytes(p.signature, p.header, textChunk("k", "v", { declaredLength: 2 ** 31 }), p.end),
        /more than PNG allows/,
      ],
      [
        makePng(1, 1, [ztxtChunk("parameters", "", zlibZeros(1024))]),
        /inflates to more than 2 MB; refused/,
      ],
    ];
    for (const [bytes, message] of cases) {
      const started = performance.now();
      const { status, body } = await read(t, bytes);
      equal(status, 400, JSON.stringify(body));
      equal(body.type, "invalid_image");
      match(body.message, message);
      const ms = performance.now() - started;
      ok(ms < 5000, `answered in ${Math.round(ms)} ms`);
    }
  } finally {
    await t.close();
  }
});

Deno.test("a picture whose pixels cannot be decoded is still read, without a thumbnail", async () => {
  const t = await startTestApp();
  try {
    const p = pngParts(8, 8);
    const broken = joinBytes(
      p.signature,
      p.header,
      textChunk("parameters", "a cat\nSteps: 3, Seed: 4, Sampler: Euler"),
      textChunk("IDAT-not", ""),
      p.end,
    );
    const { status, body } = await read(t, broken, { save: true });
    equal(status, 200, JSON.stringify(body));
    equal(body.positive, "a cat");
    match(body.warnings.join(" "), /No thumbnail: .*The metadata was read all the same/);
    const entry = await (await t.request(`/history/${body.history_id}`)).json();
    equal(entry.source_image.thumbnail_url, null);
    equal((await t.request(`/history/${body.history_id}/thumbnail`)).status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("a thumbnail goes with its entry, and entries without a picture have none", async () => {
  const t = await startTestApp();
  try {
    const { body } = await read(t, a1111Png(), { save: true });
    const id = body.history_id;
    equal((await t.request(`/history/${id}/thumbnail`)).status, 200);
    equal((await t.request("/history/abc/thumbnail")).status, 404);
    const made = await (await t.post("/generate", { input: "a cat", engine: "composer" })).json();
    const entry = await (await t.request(`/history/${made.history_id}`)).json();
    equal("source_image" in entry, false);
    const missing = await t.request(`/history/${made.history_id}/thumbnail`);
    equal(missing.status, 404);
    match((await missing.json()).message, /has no picture/);
    equal((await t.request(`/history/${id}`, { method: "DELETE" })).status, 200);
    equal((await t.request(`/history/${id}/thumbnail`)).status, 404);
    const rows = t.services.history.use().db.prepare("SELECT count(*) AS n FROM history_sources")
      .get() as { n: number };
    equal(rows.n, 0, "the thumbnail was deleted with the entry");
  } finally {
    await t.close();
  }
});
