import { deepEqual, equal, match, ok } from "node:assert/strict";
import { readSse, startTestApp } from "./helpers.ts";
import { makePng } from "./support/png_writer.ts";
import { GIF, plainJpeg, plainWebp } from "./support/sample_images.ts";
import { sniffImage } from "../lib/images/sniff.ts";
import { MAX_IMAGE_BYTES } from "../lib/images/limits.ts";

const VISION = "gemma3:4b";

function b64(bytes: Uint8Array): string {
  return bytes.toBase64();
}

/** The images the fake received on its last chat request's user message. */
function sentImages(chat: Record<string, unknown> | undefined): string[] {
  const messages = (chat?.messages ?? []) as { role: string; images?: string[] }[];
  return messages.find((m) => m.role === "user")?.images ?? [];
}

Deno.test("POST /api/images/prompt: a vision model writes the prompt from the picture, with the presets", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/api/images/prompt", {
      image: b64(makePng(64, 48)),
      input: "as a Ghibli film still",
      model: "sdxl",
      ollama_model: VISION,
      selections: { pack: "ghibli_magic" },
    });
    const body = await res.json();
    equal(res.status, 200, JSON.stringify(body));
    // The fake vision model writes about what it was shown: the picture reached it.
    match(body.positive, /seen in a 64x48 png image/i);
    match(body.negative, /blurry/);
    equal(body.model, "sdxl");
    equal(body.ollama_model, VISION);
    equal(body.vision, "declared");
    deepEqual(body.image.sent, {
      mime: "image/png",
      width: 64,
      height: 48,
      bytes: body.image.bytes,
    });
    equal(body.read.source, "none");
    const chat = t.fake.chatRequests()[0]!;
    const images = sentImages(chat);
    equal(images.length, 1);
    ok(!images[0]!.startsWith("data:"), "Ollama takes raw base64, no data: prefix");
    const user = (chat.messages as { role: string; content: string }[])[1]!.content;
    match(user, /Idea: the attached picture\. The user adds: as a Ghibli film still/);
    match(user, /Restyle it with the presets below/);
    match(user, /Presets to weave in:\n- Genre: .*Ghibli/);
    // History keeps a thumbnail and what was read, never the upload.
    const entry = await (await t.request(`/history/${body.history_id}`)).json();
    equal(entry.mode, "image");
    equal(entry.user_input, "as a Ghibli film still");
    equal(entry.source_image.format, "png");
    deepEqual([entry.source_image.width, entry.source_image.height], [64, 48]);
    equal(entry.source_image.reading.source, "none");
    equal(entry.source_image.thumbnail_url, `/history/${body.history_id}/thumbnail`);
    const thumb = await t.request(entry.source_image.thumbnail_url);
    equal(thumb.headers.get("content-type"), "image/jpeg");
    const kind = sniffImage(new Uint8Array(await thumb.arrayBuffer()));
    deepEqual(kind, { format: "jpeg", mime: "image/jpeg", width: 64, height: 48 });
    const row = t.services.history.use().db.prepare(
      "SELECT length(thumbnail) AS n FROM history_sources WHERE history_id = ?",
    ).get(body.history_id) as { n: number };
    ok(row.n < 20_000, `the thumbnail is small (${row.n} bytes)`);
  } finally {
    await t.close();
  }
});

Deno.test("a large picture is scaled before it is sent, and WebP always goes as JPEG", async () => {
  const t = await startTestApp();
  try {
    const big = await t.post("/api/images/prompt", {
      image: b64(makePng(2000, 100)),
      ollama_model: VISION,
    });
    const bigBody = await big.json();
    equal(big.status, 200, JSON.stringify(bigBody));
    deepEqual(
      [bigBody.image.sent.mime, bigBody.image.sent.width, bigBody.image.sent.height],
      ["image/jpeg", 1536, 77],
    );
    match(bigBody.positive, /seen in a 1536x77 jpeg image/i);
    const webp = await t.post("/api/images/prompt", {
      image: `data:image/webp;base64,${b64(await plainWebp(40, 30))}`,
      ollama_model: VISION,
    });
    const webpBody = await webp.json();
    equal(webp.status, 200, JSON.stringify(webpBody));
    match(webpBody.positive, /seen in a 40x30 jpeg image/i);
    equal(webpBody.image.format, "webp");
  } finally {
    await t.close();
  }
});

Deno.test("a multipart upload works like curl -F image=@photo.jpg -F model=sdxl", async () => {
  const t = await startTestApp();
  try {
    const form = new FormData();
    form.append(
      "image",
      new File([(await plainJpeg(50, 40)) as Uint8Array<ArrayBuffer>], "photo.jpg", {
        type: "image/jpeg",
      }),
    );
    form.append("model", "sdxl");
    form.append("ollama_model", VISION);
    form.append("input", "moody");
    form.append("seed", "42");
    form.append("protect", "<lora:x:0.5>");
    form.append("selections", '{"pack":"ghibli_magic"}');
    const res = await t.request("/api/images/prompt", { method: "POST", body: form });
    const body = await res.json();
    equal(res.status, 200, JSON.stringify(body));
    match(body.positive, /seen in a 50x40 jpeg image/i);
    const chat = t.fake.chatRequests()[0]!;
    equal((chat.options as { seed: number }).seed, 42);
    match(JSON.stringify(chat.messages), /Keep these exactly as written.*<lora:x:0.5>/);
    match(JSON.stringify(chat.messages), /Genre: [^"]*Ghibli/);
  } finally {
    await t.close();
  }
});

Deno.test("POST /api/images/prompt-stream streams tokens, then the saved result", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/api/images/prompt-stream", {
      image: b64(makePng(30, 20)),
      ollama_model: VISION,
    });
    equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const events = await readSse(res);
    ok(events.filter((e) => "token" in e).length > 3);
    const done = events.at(-1)!;
    equal(done.done, true);
    match(String(done.positive), /seen in a 30x20 png image/i);
    equal(t.services.history.use().get(Number(done.history_id))!.source_image?.format, "png");
  } finally {
    await t.close();
  }
});

Deno.test("a model without vision is a 400 that lists the installed vision models; nothing is sent", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/api/images/prompt", { image: b64(makePng(8, 8)) });
    const body = await res.json();
    equal(res.status, 400);
    equal(body.type, "model_without_vision");
    match(body.message, /"qwen3:latest" cannot read images.*pick one that does: gemma3:4b/);
    deepEqual(body.vision_models, [VISION]);
    equal(t.fake.chatRequests().length, 0);
  } finally {
    await t.close();
  }
  const none = await startTestApp({
    fake: { models: [{ name: "qwen3:latest", capabilities: ["completion"] }] },
  });
  try {
    const res = await none.post("/api/images/prompt", { image: b64(makePng(8, 8)) });
    const body = await res.json();
    equal(res.status, 400);
    match(
      body.message,
      /no installed model reads images; install one \(with Ollama: "ollama pull gemma3"/,
    );
  } finally {
    await none.close();
  }
});

Deno.test("non-images, bad base64, a missing image and oversize files are 400s (or 413) that say what to do", async () => {
  const t = await startTestApp();
  try {
    const cases: [unknown, RegExp][] = [
      [
        { image: b64(GIF), ollama_model: VISION },
        /image: this is a GIF image; use a PNG, JPEG or WebP image/,
      ],
      [
        { image: b64(new TextEncoder().encode("hello")), ollama_model: VISION },
        /image: this is not an image we can read/,
      ],
      [{ image: "not base64!!", ollama_model: VISION }, /image: it is not valid base64/],
      [{ ollama_model: VISION }, /image is required: send the picture base64-encoded/],
      [
        { image: b64(makePng(8, 8)), ollama_model: VISION, model: "nope" },
        /model: unknown target "nope"/,
      ],
      [{ image: "data:text/plain,hi", ollama_model: VISION }, /a data URL must be/],
    ];
    for (const [body, message] of cases) {
      const res = await t.post("/api/images/prompt", body);
      const json = await res.json();
      equal(res.status, 400, JSON.stringify(json));
      match(json.message, message);
    }
    // A header that says 60,000 × 60,000 is refused before anything is decoded.
    const huge = makePng(1, 1);
    new DataView(huge.buffer).setUint32(16, 60000);
    new DataView(huge.buffer).setUint32(20, 60000);
    const hugeRes = await t.post("/api/images/prompt", { image: b64(huge), ollama_model: VISION });
    equal(hugeRes.status, 400);
    match((await hugeRes.json()).message, /3600 megapixels\); the limit is 40 megapixels/);
    // Over 20 MB: as a multipart file, a 400 naming the size; as JSON, over the body limit.
    const oversized = new Uint8Array(MAX_IMAGE_BYTES + 1024 * 1024);
    oversized.set(makePng(8, 8));
    const form = new FormData();
    form.append("image", new File([oversized as Uint8Array<ArrayBuffer>], "big.png"));
    const multipart = await t.request("/api/images/prompt", { method: "POST", body: form });
    equal(multipart.status, 400);
    match((await multipart.json()).message, /the file is 21\.0 MB; the limit is 20 MB/);
    const json = await t.post("/api/images/prompt", { image: b64(oversized) });
    equal(json.status, 413);
    match((await json.json()).message, /images may be at most 20 MB/);
    equal(t.fake.chatRequests().length, 0);
    equal(t.services.history.use().list({ limit: 5 }).total, 0);
  } finally {
    await t.close();
  }
});

Deno.test("dry_run shows what would be sent, the image as a placeholder, and sends nothing", async () => {
  const t = await startTestApp();
  try {
    const res = await t.post("/api/images/prompt", {
      image: b64(makePng(8, 8)),
      ollama_model: VISION,
      dry_run: true,
    });
    const body = await res.json();
    equal(res.status, 200);
    equal(body.dry_run, true);
    match(body.messages[1].images[0], /^\(an image: \d+ base64 characters\)$/);
    equal(t.fake.chatRequests().length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("the fake Ollama refuses images as Ollama does: a 500 for a model without vision, a 400 for bad base64", async () => {
  const t = await startTestApp();
  try {
    const chat = (model: string, images: string[]) =>
      fetch(`${t.fake.url}/api/chat`, {
        method: "POST",
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hi", images }] }),
      });
    const blind = await chat("qwen3:latest", [b64(makePng(2, 2))]);
    equal(blind.status, 500);
    match((await blind.json()).error, /this model is missing data required for image input/);
    const bad = await chat(VISION, ["@@@@"]);
    equal(bad.status, 400);
    match((await bad.json()).error, /illegal base64 data at input byte 0/);
    const junk = await chat(VISION, [b64(new TextEncoder().encode("not an image"))]);
    equal(junk.status, 500);
    match((await junk.json()).error, /image: unknown format/);
  } finally {
    await t.close();
  }
});

Deno.test("a server that says nothing of vision gets the image; its refusal is a clear 400", async () => {
  // An old Ollama lists no capabilities: vision is assumed, and the runner's refusal explained.
  const t = await startTestApp({
    fake: {
      models: [
        { name: "qwen3:latest", capabilities: [] },
        { name: "llava:7b", capabilities: ["completion", "vision"] },
      ],
    },
  });
  try {
    const res = await t.post("/api/images/prompt", { image: b64(makePng(8, 8)) });
    const body = await res.json();
    equal(res.status, 400, JSON.stringify(body));
    equal(body.type, "model_without_vision");
    match(
      body.message,
      /the LLM server refused the image for "qwen3:latest".*missing data required for image input.*pick one that does: llava:7b/,
    );
    equal(t.fake.chatRequests().length, 1, "the image was sent once");
    equal(t.services.history.use().list({ limit: 5 }).total, 0);
  } finally {
    await t.close();
  }
});
