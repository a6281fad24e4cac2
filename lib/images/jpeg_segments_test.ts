import { deepEqual, equal, throws } from "node:assert/strict";
import { describeTiming, withinBudget } from "../../tests/support/timing.ts";
import {
  asciiEntry,
  buildTiff,
  exifApp1,
  insertJpegSegments,
  jpegSegment,
  userCommentEntry,
} from "../../tests/support/exif_writer.ts";
import { jpegFrom } from "../../tests/support/image_encoders.ts";
import { gradient } from "../../tests/support/png_writer.ts";
import { imageError } from "../../tests/support/image_errors.ts";
import { readJpegText } from "./jpeg_segments.ts";

const PARAMS =
  "portrait, rim light\nNegative prompt: lowres\nSteps: 30, Sampler: DPM++ 2M, Seed: 9";
const plain = await jpegFrom(gradient(16, 12), 16, 12);

Deno.test("readJpegText() reads an A1111 UserComment from Exif APP1 and COM comments", () => {
  const jpeg = insertJpegSegments(
    plain,
    exifApp1(buildTiff({ exif: [userCommentEntry(PARAMS, "unicode-be")] })),
    jpegSegment(0xfe, new TextEncoder().encode("made with love\0")),
  );
  deepEqual(readJpegText(jpeg).texts, [
    { keyword: "UserComment", text: PARAMS, source: "exif-user-comment" },
    { keyword: "comment", text: "made with love", source: "jpeg-comment" },
  ]);
});

Deno.test("readJpegText() reads the first Exif block only and nothing from a plain JPEG", () => {
  const first = exifApp1(buildTiff({ ifd0: [asciiEntry(0x010e, "first")] }));
  const second = exifApp1(buildTiff({ ifd0: [asciiEntry(0x010e, "second")] }));
  deepEqual(readJpegText(insertJpegSegments(plain, first, second)).texts.map((t) => t.text), [
    "first",
  ]);
  deepEqual(readJpegText(plain).texts, []);
});

Deno.test("readJpegText() refuses a truncated file and a segment longer than the file", () => {
  const jpeg = insertJpegSegments(plain, jpegSegment(0xfe, new TextEncoder().encode("hi")));
  throws(() => readJpegText(jpeg.subarray(0, 5)), imageError(/cut short/));
  const long = jpegSegment(0xfe, new TextEncoder().encode("hi"));
  new DataView(long.buffer).setUint16(2, 0xffff);
  throws(
    () => readJpegText(insertJpegSegments(plain.subarray(0, 200), long)),
    imageError(/declares 65535 bytes but only \d+ remain/),
  );
});

Deno.test("readJpegText() refuses an Exif IFD pointing outside the buffer and an IFD loop", () => {
  const outside = buildTiff({ exif: [userCommentEntry("x", "ascii")], exifPointer: 40_000 });
  throws(() => readJpegText(insertJpegSegments(plain, exifApp1(outside))), imageError(/outside/));
  const loop = buildTiff({ ifd0: [asciiEntry(0x010e, "x")], exifPointer: 8 });
  throws(() => readJpegText(insertJpegSegments(plain, exifApp1(loop))), imageError(/loop/));
});

Deno.test("readJpegText() stops after 1000 segments", async () => {
  const tiny = jpegSegment(0xe5, new Uint8Array(1));
  const many = insertJpegSegments(plain, ...Array.from({ length: 10_000 }, () => tiny));
  throws(() => readJpegText(many), imageError(/more than 1000 segments/));
  const timed = await withinBudget(() => throws(() => readJpegText(many)), 500);
  equal(timed.ok, true, describeTiming(timed.last));
});
