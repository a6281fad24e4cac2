import { equal, match } from "node:assert/strict";
import {
  asciiEntry,
  buildTiff,
  exifApp1,
  insertJpegSegments,
  userCommentEntry,
  webpWithExif,
} from "../../tests/support/exif_writer.ts";
import { jpegFrom, webpFrom } from "../../tests/support/image_encoders.ts";
import {
  gradient,
  ihdr,
  joinBytes,
  makePng,
  pngChunk,
  pngParts,
  textChunk,
  ztxtChunk,
} from "../../tests/support/png_writer.ts";
import { zlibZeros } from "../../tests/support/zip_bomb.ts";
import { AppError } from "../app/errors.ts";
import { MAX_IMAGE_BYTES } from "./limits.ts";
import { readImagePrompt } from "./prompt_metadata.ts";
import { readImageMetadata } from "./read_metadata.ts";
import { thumbnail } from "./resize.ts";

const px = gradient(32, 32);
const png = makePng(32, 32, [textChunk("parameters", "a cat\nSteps: 1, Seed: 2, Sampler: x")]);
const jpeg = await jpegFrom(px, 32, 32);
const webp = await webpFrom(px, 32, 32);
const p = pngParts(32, 32);
const loop = buildTiff({ ifd0: [asciiEntry(0x010e, "x")], exifPointer: 8 });
const outside = buildTiff({ exif: [userCommentEntry("x", "ascii")], exifPointer: 1 << 30 });
const oversized = new Uint8Array(MAX_IMAGE_BYTES + 1);
oversized.set(png);

/** Hostile files; `prompt` and `thumb` say what reading the prompt and making a thumbnail must answer. */
const HOSTILE: { name: string; bytes: Uint8Array; prompt: RegExp; thumb: RegExp }[] = [
  {
    name: "truncated PNG",
    bytes: png.subarray(0, png.length - 30),
    prompt: /cut short/,
    thumb: /cut short/,
  },
  {
    name: "truncated JPEG",
    bytes: jpeg.subarray(0, 10),
    prompt: /cut short/,
    thumb: /cut short|could not be decoded/,
  },
  {
    name: "truncated WebP",
    bytes: webp.subarray(0, webp.length - 8),
    prompt: /cut short/,
    thumb: /cut short|could not be decoded/,
  },
  {
    name: "PNG chunk length beyond the end",
    bytes: joinBytes(
      p.signature,
      p.header,
      textChunk("k", "v", { declaredLength: 1 << 20 }),
      p.end,
    ),
    prompt: /declares 1048576 bytes but only \d+ remain/,
    thumb: /declares 1048576 bytes/,
  },
  {
    name: "PNG chunk declaring 2^31 bytes",
    bytes: joinBytes(
      p.signature,
      p.header,
      textChunk("k", "v", { declaredLength: 2 ** 31 }),
      p.end,
    ),
    prompt: /more than PNG allows/,
    thumb: /more than PNG allows/,
  },
  {
    name: "10,000 tiny PNG chunks",
    bytes: makePng(1, 1, Array.from({ length: 10_000 }, () => pngChunk("tIMe", new Uint8Array(7)))),
    prompt: /more than 1000 chunks/,
    thumb: /more than 1000 chunks/,
  },
  {
    name: "zTXt zip bomb, 1 GB of zeros",
    bytes: makePng(1, 1, [ztxtChunk("parameters", "", zlibZeros(1024))]),
    prompt: /inflates to more than 2 MB; refused/,
    thumb: /inflates to more than 2 MB; refused/,
  },
  {
    name: "Exif IFD pointing outside the buffer (JPEG)",
    bytes: insertJpegSegments(jpeg, exifApp1(outside)),
    prompt: /directory is at offset 1073741824, outside/,
    thumb: /^$/, // the pixels are fine; the codecs do not need our reading of the metadata
  },
  {
    name: "Exif IFD loop (JPEG)",
    bytes: insertJpegSegments(jpeg, exifApp1(loop)),
    prompt: /directories form a loop/,
    thumb: /^$/,
  },
  {
    name: "Exif IFD loop (WebP)",
    bytes: webpWithExif(webp, loop),
    prompt: /directories form a loop/,
    thumb: /^$/,
  },
  {
    name: "60,000 × 60,000 PNG header",
    bytes: joinBytes(p.signature, ihdr(60000, 60000), p.data, p.end),
    prompt: /^$/,
    thumb: /60000×60000 \(3600 megapixels\); the limit is 40 megapixels/,
  },
  {
    name: "a file over 20 MB",
    bytes: oversized,
    prompt: /the limit is 20 MB/,
    thumb: /the limit is 20 MB/,
  },
];

async function outcome(run: () => unknown): Promise<[string, number]> {
  const t0 = performance.now();
  try {
    await run();
    return ["", performance.now() - t0];
  } catch (e) {
    if (!(e instanceof AppError) || e.status !== 400) throw e;
    return [e.message, performance.now() - t0];
  }
}

Deno.test("every hostile file ends in a clear 400 in well under a second, memory bounded", async () => {
  const rss = Deno.memoryUsage().rss;
  for (const c of HOSTILE) {
    const [promptMessage, promptMs] = await outcome(() => readImagePrompt(c.bytes));
    match(promptMessage, c.prompt, `${c.name}: reading the prompt`);
    if (promptMessage) match(promptMessage, /^image: /);
    equal(promptMs < 1000, true, `${c.name}: reading the prompt took ${promptMs} ms`);
    const [thumbMessage, thumbMs] = await outcome(() => thumbnail(c.bytes));
    match(thumbMessage, c.thumb, `${c.name}: making a thumbnail`);
    equal(thumbMs < 1000, true, `${c.name}: the thumbnail took ${thumbMs} ms`);
  }
  const grew = (Deno.memoryUsage().rss - rss) / 1e6;
  equal(grew < 150, true, `RSS grew ${grew} MB`);
});

Deno.test("a wrong CRC is reported, and the prompt is still read", () => {
  const bad = makePng(2, 2, [
    textChunk("parameters", "a cat\nSteps: 1, Seed: 2, Sampler: x", { badCrc: true }),
  ]);
  const r = readImagePrompt(bad);
  equal(r.source === "a1111" && r.positive, "a cat");
  match(r.warnings[0]!, /tEXt chunk at byte 33 has a bad CRC; its text was read anyway/);
});

Deno.test("readImageMetadata() returns the header's size with the texts", () => {
  const meta = readImageMetadata(png);
  equal(meta.kind.width, 32);
  equal(meta.texts[0]!.keyword, "parameters");
});
