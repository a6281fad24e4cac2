import { deepEqual, equal, match, throws } from "node:assert/strict";
import { describeTiming, withinBudget } from "../../tests/support/timing.ts";
import {
  asciiEntry,
  buildTiff,
  riffChunk,
  userCommentEntry,
  webpFile,
  webpWithExif,
} from "../../tests/support/exif_writer.ts";
import { webpFrom } from "../../tests/support/image_encoders.ts";
import { gradient } from "../../tests/support/png_writer.ts";
import { imageError } from "../../tests/support/image_errors.ts";
import { sniffImage } from "./sniff.ts";
import { readWebpText } from "./webp_chunks.ts";

const simple = await webpFrom(gradient(20, 10), 20, 10);

Deno.test("readWebpText() reads the EXIF chunk of an extended WebP, with or without the Exif prefix", () => {
  const tiff = buildTiff({
    littleEndian: true,
    ifd0: [asciiEntry(0x0110, 'prompt:{"1":{}}')],
    exif: [userCommentEntry("a lighthouse", "unicode-be")],
  });
  for (const prefix of [false, true]) {
    const webp = webpWithExif(simple, tiff, prefix);
    deepEqual(sniffImage(webp), { format: "webp", mime: "image/webp", width: 20, height: 10 });
    deepEqual(readWebpText(webp).texts.map((t) => [t.keyword, t.text]), [
      ["prompt", '{"1":{}}'],
      ["UserComment", "a lighthouse"],
    ]);
  }
});

Deno.test("readWebpText() ignores XMP and reports bytes after the RIFF end", () => {
  const xmp = riffChunk("XMP ", new TextEncoder().encode("<x:xmpmeta parameters='no'/>"));
  const webp = webpFile([simple.subarray(12), xmp]);
  deepEqual(readWebpText(webp).texts, []);
  const trailing = new Uint8Array([...webp, 1, 2, 3]);
  match(readWebpText(trailing).warnings[0]!, /3 bytes after the end of the WebP/);
});

Deno.test("readWebpText() refuses a truncated file and a chunk longer than the RIFF", () => {
  throws(() => readWebpText(simple.subarray(0, simple.length - 10)), imageError(/cut short/));
  const liar = webpFile([simple.subarray(12), riffChunk("EXIF", new Uint8Array(8), 0x7fff_fff0)]);
  throws(() => readWebpText(liar), imageError(/"EXIF" at byte \d+ declares 2147483632 bytes/));
});

Deno.test("readWebpText() refuses an EXIF IFD loop and stops after 1000 chunks", async () => {
  const loop = buildTiff({ ifd0: [asciiEntry(0x010e, "x")], exifPointer: 8 });
  throws(() => readWebpText(webpWithExif(simple, loop)), imageError(/loop/));
  const tiny = riffChunk("JUNK", new Uint8Array(2));
  const many = webpFile([simple.subarray(12), ...Array.from({ length: 10_000 }, () => tiny)]);
  throws(() => readWebpText(many), imageError(/more than 1000 chunks/));
  const timed = await withinBudget(() => throws(() => readWebpText(many)), 500);
  equal(timed.ok, true, describeTiming(timed.last));
});
