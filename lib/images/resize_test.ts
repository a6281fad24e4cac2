import { describeTiming, withinBudget } from "../../tests/support/timing.ts";
import { deepEqual, equal, rejects } from "node:assert/strict";
import { jpegFrom, webpFrom } from "../../tests/support/image_encoders.ts";
import {
  gradient,
  ihdr,
  itxtChunk,
  joinBytes,
  makePng,
  pngChunk,
  pngParts,
  textChunk,
} from "../../tests/support/png_writer.ts";
import { imageError } from "../../tests/support/image_errors.ts";
import { decodePixels } from "./codecs.ts";
import { MAX_IMAGE_BYTES } from "./limits.ts";
import { scaleForVision, thumbnail, visionAndThumbnail } from "./resize.ts";
import { sniffImage } from "./sniff.ts";

function meanOf(data: Uint8ClampedArray, channel: number): number {
  let sum = 0;
  for (let i = channel; i < data.length; i += 4) sum += data[i]!;
  return sum / (data.length / 4);
}

Deno.test("scaleForVision() shrinks a large PNG to a JPEG within 1536 px that still looks the same", async () => {
  const png = makePng(1600, 200);
  const out = await scaleForVision(png);
  equal(out.mime, "image/jpeg");
  deepEqual([out.width, out.height], [1536, 192]);
  deepEqual(sniffImage(out.bytes), {
    format: "jpeg",
    mime: "image/jpeg",
    width: 1536,
    height: 192,
  });
  const before = await decodePixels(png, "png");
  const after = await decodePixels(out.bytes, "jpeg");
  for (const c of [0, 1, 2]) {
    const diff = Math.abs(meanOf(before.data, c) - meanOf(after.data, c));
    equal(diff < 3, true, `channel ${c} moved by ${diff}`);
  }
});

Deno.test("scaleForVision() passes small PNGs and JPEGs through untouched and re-encodes WebP", async () => {
  const px = gradient(64, 48);
  const png = makePng(64, 48);
  const jpeg = await jpegFrom(px, 64, 48);
  equal((await scaleForVision(png)).bytes, png);
  equal((await scaleForVision(jpeg)).bytes, jpeg);
  const fromWebp = await scaleForVision(await webpFrom(px, 64, 48));
  deepEqual([fromWebp.mime, fromWebp.width, fromWebp.height], ["image/jpeg", 64, 48]);
});

Deno.test("thumbnail() makes a small JPEG from PNG, JPEG and WebP, keeping the aspect ratio", async () => {
  const px = gradient(600, 900);
  for (
    const file of [makePng(600, 900), await jpegFrom(px, 600, 900), await webpFrom(px, 600, 900)]
  ) {
    const t = await thumbnail(file);
    deepEqual([t.mime, t.width, t.height], ["image/jpeg", 171, 256]);
    equal(t.bytes.length < 20_000, true, `${t.bytes.length} bytes`);
  }
  deepEqual([(await thumbnail(makePng(200, 300), { maxSide: 64 })).width], [43]);
});

Deno.test("thumbnail() lays transparent pixels over white", async () => {
  const clear = new Uint8Array(32 * 32 * 4); // all zero: transparent black
  const t = await thumbnail(makePng(32, 32, [], clear), { maxSide: 16 });
  const px = await decodePixels(t.bytes, "jpeg");
  equal(meanOf(px.data, 0) > 250 && meanOf(px.data, 1) > 250 && meanOf(px.data, 2) > 250, true);
});

Deno.test("scaleForVision() refuses a 60,000 × 60,000 header before decoding anything", async () => {
  const p = pngParts(1, 1);
  const bomb = joinBytes(p.signature, ihdr(60000, 60000), p.data, p.end);
  await rejects(
    scaleForVision(bomb),
    imageError(/60000×60000 \(3600 megapixels\); the limit is 40/),
  );
  await rejects(thumbnail(bomb), imageError(/megapixels/));
  // Refused from the header: decoding 3,600 megapixels would take minutes and gigabytes.
  const timed = await withinBudget(async () => {
    await scaleForVision(bomb).catch(() => {});
    await thumbnail(bomb).catch(() => {});
  }, 100);
  equal(timed.ok, true, describeTiming(timed.last));
});

Deno.test("scaleForVision() refuses files over 20 MB and formats it does not read", async () => {
  const big = new Uint8Array(MAX_IMAGE_BYTES + 1);
  big.set(makePng(1, 1));
  await rejects(scaleForVision(big), imageError(/the file is 20\.0 MB; the limit is 20 MB/));
  await rejects(thumbnail(new TextEncoder().encode("GIF89a")), imageError(/GIF image/));
  await rejects(scaleForVision(makePng(1, 1), { maxSide: 0 }), RangeError);
});

Deno.test("damaged pixel data ends in a 400 that says the file may be damaged", async () => {
  const p = pngParts(40, 40);
  const garbage = pngChunk("IDAT", new Uint8Array(64).fill(7));
  const badPng = joinBytes(p.signature, p.header, garbage, p.end);
  await rejects(thumbnail(badPng), imageError(/the PNG could not be decoded .*damaged/));
  const webp = await webpFrom(gradient(40, 40), 40, 40);
  const badWebp = webp.slice();
  badWebp.fill(0x55, 30);
  await rejects(thumbnail(badWebp), imageError(/the WEBP could not be decoded/));
  const jpeg = await jpegFrom(gradient(40, 40), 40, 40);
  const badJpeg = jpeg.slice();
  badJpeg.fill(0x55, 200);
  await rejects(thumbnail(badJpeg), imageError(/the JPEG could not be decoded \(Bogus Huffman/));
  // The PNG codec still works after refusing a bad file.
  equal((await thumbnail(makePng(40, 40))).width, 40);
});

Deno.test("a truncated PNG is refused by the structure check before it reaches the codec", async () => {
  const png = makePng(300, 300);
  await rejects(thumbnail(png.subarray(0, png.length - 100)), imageError(/cut short/));
});

Deno.test("thumbnail() decodes a PNG whose text chunks are over 1 MB (a large ComfyUI workflow)", async () => {
  // The PNG codec refused any chunk over 1 MiB; a ComfyUI graph can be that large.
  const workflow = JSON.stringify({ nodes: [], links: [], notes: "x".repeat(1_500_000) });
  const png = makePng(300, 200, [
    textChunk("workflow", workflow),
    itxtChunk("prompt", "y".repeat(1_200_000)),
  ]);
  const t = await thumbnail(png);
  deepEqual([t.mime, t.width, t.height], ["image/jpeg", 256, 171]);
  const both = await visionAndThumbnail(png);
  equal(both.vision.bytes, png, "small enough to go to the model as it is");
  const a = await decodePixels(t.bytes, "jpeg");
  const b = await decodePixels((await thumbnail(makePng(300, 200))).bytes, "jpeg");
  for (const channel of [0, 1, 2]) {
    const diff = Math.abs(meanOf(a.data, channel) - meanOf(b.data, channel));
    equal(
      diff < 1,
      true,
      `channel ${channel} differs by ${diff} from the same picture without text`,
    );
  }
});

Deno.test("overlapping decodes each keep their own codec instance", async () => {
  const a = await jpegFrom(gradient(500, 300), 500, 300);
  const b = await jpegFrom(new Uint8Array(200 * 100 * 4).fill(255), 200, 100);
  const [ta, tb, tc] = await Promise.all([
    thumbnail(a, { maxSide: 100 }),
    thumbnail(b, { maxSide: 100 }),
    thumbnail(a, { maxSide: 50 }),
  ]);
  deepEqual([ta.width, ta.height, tb.width, tb.height, tc.width], [100, 60, 100, 50, 50]);
});

Deno.test("visionAndThumbnail() makes both from one decode, the same sizes as the separate calls", async () => {
  const png = makePng(1600, 400);
  const both = await visionAndThumbnail(png);
  const vision = await scaleForVision(png);
  const thumb = await thumbnail(png);
  deepEqual([both.vision.mime, both.vision.width, both.vision.height], [
    vision.mime,
    vision.width,
    vision.height,
  ]);
  deepEqual([both.thumbnail.width, both.thumbnail.height], [thumb.width, thumb.height]);
  deepEqual([both.thumbnail.width, both.thumbnail.height], [256, 64]);
  // Shrunk from the vision copy, it still shows the same picture.
  const a = await decodePixels(both.thumbnail.bytes, "jpeg");
  const b = await decodePixels(thumb.bytes, "jpeg");
  for (const channel of [0, 1, 2]) {
    const diff = Math.abs(meanOf(a.data, channel) - meanOf(b.data, channel));
    equal(diff < 3, true, `channel ${channel} differs by ${diff}`);
  }
});

Deno.test("visionAndThumbnail() passes a small JPEG to vision as it is", async () => {
  const jpeg = await jpegFrom(gradient(300, 200), 300, 200);
  const both = await visionAndThumbnail(jpeg);
  equal(both.vision.bytes, jpeg);
  deepEqual([both.thumbnail.width, both.thumbnail.height], [256, 171]);
});
