import { deepEqual, equal, throws } from "node:assert/strict";
import {
  asciiEntry,
  buildTiff,
  type TiffEntry,
  userCommentEntry,
} from "../../tests/support/exif_writer.ts";
import { imageError } from "../../tests/support/image_errors.ts";
import { decodeUserComment, readExifTexts } from "./exif.ts";

const PARAMS = "a red fox, snow\nNegative prompt: blurry\nSteps: 20, Sampler: Euler, Seed: 7";

Deno.test("decodeUserComment() reads UNICODE big-endian as piexif (A1111) writes it, in an II block too", () => {
  const entry = userCommentEntry(PARAMS, "unicode-be");
  equal(decodeUserComment(entry.value, false), PARAMS);
  equal(decodeUserComment(entry.value, true), PARAMS, "the zero bytes tell the order");
});

Deno.test("decodeUserComment() reads UNICODE little-endian, with and without a BOM", () => {
  equal(decodeUserComment(userCommentEntry(PARAMS, "unicode-le").value, false), PARAMS);
  equal(decodeUserComment(userCommentEntry(PARAMS, "unicode-bom-le").value, false), PARAMS);
  // Text without ASCII (no zero bytes to go by) follows the TIFF byte order.
  equal(decodeUserComment(userCommentEntry("猫猫", "unicode-le").value, true), "猫猫");
  equal(decodeUserComment(userCommentEntry("猫猫", "unicode-be").value, false), "猫猫");
});

Deno.test("decodeUserComment() reads ASCII, undefined and prefix-less comments", () => {
  equal(decodeUserComment(userCommentEntry("hello", "ascii").value), "hello");
  const undef = new Uint8Array([...new Uint8Array(8), ...new TextEncoder().encode("plain\0\0")]);
  equal(decodeUserComment(undef), "plain");
  equal(decodeUserComment(new TextEncoder().encode("no prefix at all")), "no prefix at all");
});

Deno.test("readExifTexts() reads UserComment from the Exif directory and IFD0 strings, both byte orders", () => {
  for (const littleEndian of [false, true]) {
    const tiff = buildTiff({
      littleEndian,
      ifd0: [
        asciiEntry(0x010e, "a description"),
        asciiEntry(0x0110, 'prompt:{"3":{"class_type":"KSampler","inputs":{}}}'),
        asciiEntry(0x010f, 'workflow:{"nodes":[],"links":[]}'),
      ],
      exif: [userCommentEntry(PARAMS, "unicode-be")],
    });
    deepEqual(readExifTexts(tiff), [
      { keyword: "ImageDescription", text: "a description", source: "exif-ascii" },
      {
        keyword: "prompt",
        text: '{"3":{"class_type":"KSampler","inputs":{}}}',
        source: "exif-ascii",
      },
      { keyword: "workflow", text: '{"nodes":[],"links":[]}', source: "exif-ascii" },
      { keyword: "UserComment", text: PARAMS, source: "exif-user-comment" },
    ]);
  }
});

Deno.test("readExifTexts() refuses an Exif directory pointer outside the block", () => {
  const tiff = buildTiff({ exif: [userCommentEntry("x", "ascii")], exifPointer: 0x7fff_0000 });
  throws(
    () => readExifTexts(tiff),
    imageError(/ExifIFD directory is at offset 2147418112, outside/),
  );
});

Deno.test("readExifTexts() refuses a value pointing outside the block", () => {
  const far: TiffEntry = { ...userCommentEntry("long enough comment", "ascii"), offset: 999_999 };
  throws(
    () => readExifTexts(buildTiff({ exif: [far] })),
    imageError(/UserComment value \(\d+ bytes at offset 999999\) lies outside/),
  );
  const huge: TiffEntry = { tag: 0x9286, type: 7, count: 0xffff_fff0, value: new Uint8Array(8) };
  throws(() => readExifTexts(buildTiff({ exif: [huge] })), imageError(/lies outside/));
});

Deno.test("readExifTexts() refuses an IFD loop", () => {
  // The Exif pointer leads back to IFD0 itself.
  const loop = buildTiff({ ifd0: [asciiEntry(0x010e, "x")], exifPointer: 8 });
  throws(() => readExifTexts(loop), imageError(/directories form a loop/));
});

Deno.test("readExifTexts() refuses bad headers and directories that run past the block", () => {
  throws(
    () => readExifTexts(new TextEncoder().encode("XX*\0\0\0\0\x08")),
    imageError(/byte-order/),
  );
  throws(
    () => readExifTexts(Uint8Array.of(0x4d, 0x4d, 0, 43, 0, 0, 0, 8)),
    imageError(/TIFF header/),
  );
  const tiff = buildTiff({ ifd0: [asciiEntry(0x010e, "some text here")] });
  new DataView(tiff.buffer).setUint16(8, 900);
  throws(() => readExifTexts(tiff), imageError(/IFD0 directory runs past the end/));
  new DataView(tiff.buffer).setUint16(8, 60000);
  throws(() => readExifTexts(tiff), imageError(/declares 60000 entries; refused/));
});
