import { deepEqual, equal, match } from "node:assert/strict";
import { jpegFrom, webpFrom } from "../../tests/support/image_encoders.ts";
import { gradient, ihdr, joinBytes, makePng } from "../../tests/support/png_writer.ts";
import { sniffImage } from "./sniff.ts";

const ascii = (s: string) => new TextEncoder().encode(s);

Deno.test("sniffImage() reads format and size of PNG, JPEG and both WebP kinds from the bytes", async () => {
  const px = gradient(37, 21);
  deepEqual(sniffImage(makePng(37, 21)), {
    format: "png",
    mime: "image/png",
    width: 37,
    height: 21,
  });
  deepEqual(sniffImage(await jpegFrom(px, 37, 21)), {
    format: "jpeg",
    mime: "image/jpeg",
    width: 37,
    height: 21,
  });
  for (const lossless of [false, true]) {
    const kind = sniffImage(await webpFrom(px, 37, 21, lossless));
    deepEqual(kind, { format: "webp", mime: "image/webp", width: 37, height: 21 });
  }
});

Deno.test("sniffImage() goes by content, not by what the file claims to be", () => {
  const png = makePng(3, 3);
  // A PNG named .jpg is still a PNG; a text file is not an image whatever its name.
  equal(sniffImage(png).format, "png");
  const text = sniffImage(ascii("hello, I am photo.jpg"));
  equal(text.format, "unsupported");
  match((text as { reason: string }).reason, /not an image we can read; use a PNG, JPEG or WebP/);
});

Deno.test("sniffImage() names the formats it does not read", () => {
  const reason = (bytes: Uint8Array) => (sniffImage(bytes) as { reason: string }).reason;
  match(reason(ascii("GIF89a....")), /this is a GIF image; use a PNG, JPEG or WebP image/);
  match(reason(joinBytes(new Uint8Array(4), ascii("ftypavif"))), /an AVIF image/);
  match(reason(joinBytes(new Uint8Array(4), ascii("ftypheic"))), /a HEIC\/HEIF image/);
  match(reason(ascii("RIFF\x10\0\0\0WAVEfmt ")), /RIFF file of type "WAVE", not WebP/);
  match(reason(ascii('<svg xmlns="http://www.w3.org/2000/svg"/>')), /an SVG or XML file/);
  match(reason(new Uint8Array(0)), /the file is empty/);
});

Deno.test("sniffImage() calls cut-short and zero-size headers unsupported instead of guessing", () => {
  const png = makePng(3, 3);
  match((sniffImage(png.subarray(0, 20)) as { reason: string }).reason, /cut short/);
  const zero = joinBytes(png.subarray(0, 8), ihdr(0, 5));
  match((sniffImage(zero) as { reason: string }).reason, /size of 0×5/);
  // A JPEG whose scan starts before any frame header has no size to report.
  const noFrame = Uint8Array.of(0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9);
  match((sniffImage(noFrame) as { reason: string }).reason, /no frame header/);
});

Deno.test("sniffImage() reads a 60,000 × 60,000 header without allocating for it", () => {
  const bomb = joinBytes(makePng(1, 1).subarray(0, 8), ihdr(60000, 60000));
  deepEqual(sniffImage(bomb), { format: "png", mime: "image/png", width: 60000, height: 60000 });
});
