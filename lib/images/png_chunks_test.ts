import { deepEqual, equal, match, throws } from "node:assert/strict";
import { describeTiming, withinBudget } from "../../tests/support/timing.ts";
import { Buffer } from "node:buffer";
import { deflateSync, inflateSync } from "node:zlib";
import {
  itxtChunk,
  joinBytes,
  makePng,
  pngChunk,
  pngParts,
  textChunk,
  ztxtChunk,
} from "../../tests/support/png_writer.ts";
import { zlibZeros } from "../../tests/support/zip_bomb.ts";
import { imageError } from "../../tests/support/image_errors.ts";
import { pngPixelsOnly, readPngText } from "./png_chunks.ts";

Deno.test("readPngText() reads tEXt, zTXt and iTXt (plain and compressed, with language)", () => {
  const png = makePng(2, 2, [
    textChunk("parameters", "a café at night"),
    ztxtChunk("prompt", '{"3": {}}'),
    itxtChunk("workflow", "ねこ, cat", { language: "ja", translated: "ワークフロー" }),
    itxtChunk("Comment", "deflated ünïcode", { compressed: true }),
  ]);
  const { texts, warnings } = readPngText(png);
  deepEqual(warnings, []);
  deepEqual(texts, [
    { keyword: "parameters", text: "a café at night", source: "tEXt" },
    { keyword: "prompt", text: '{"3": {}}', source: "zTXt" },
    {
      keyword: "workflow",
      text: "ねこ, cat",
      source: "iTXt",
      language: "ja",
      translatedKeyword: "ワークフロー",
    },
    { keyword: "Comment", text: "deflated ünïcode", source: "iTXt" },
  ]);
});

Deno.test("readPngText() reads UTF-8 that some tools put in tEXt, and Latin-1 otherwise", () => {
  const utf8 = new TextEncoder().encode("chat noir, 黒猫");
  const data = joinBytes(new TextEncoder().encode("parameters\0"), utf8);
  const { texts } = readPngText(makePng(1, 1, [pngChunk("tEXt", data)]));
  equal(texts[0]!.text, "chat noir, 黒猫");
  const latin = joinBytes(new TextEncoder().encode("k\0"), Uint8Array.of(0xe9, 0x20, 0xff));
  equal(readPngText(makePng(1, 1, [pngChunk("tEXt", latin)])).texts[0]!.text, "é ÿ");
});

Deno.test("readPngText() reports a bad CRC as a warning and still reads the text", () => {
  const { texts, warnings } = readPngText(
    makePng(1, 1, [textChunk("parameters", "kept", { badCrc: true })]),
  );
  equal(texts[0]!.text, "kept");
  match(warnings[0]!, /tEXt chunk at byte 33 has a bad CRC/);
});

Deno.test("readPngText() skips damaged text chunks with a warning", () => {
  const noKeyword = pngChunk("tEXt", new TextEncoder().encode("no terminator anywhere"));
  const badZ = pngChunk("zTXt", joinBytes(new TextEncoder().encode("k\0\0"), Uint8Array.of(1, 2)));
  const { texts, warnings } = readPngText(makePng(1, 1, [noKeyword, badZ, textChunk("a", "b")]));
  deepEqual(texts.map((t) => t.keyword), ["a"]);
  match(warnings[0]!, /no valid keyword/);
  match(warnings[1]!, /zTXt chunk "k" could not be inflated/);
});

Deno.test("readPngText() refuses a truncated file and a chunk that runs past the end", () => {
  const png = makePng(4, 4, [textChunk("parameters", "x")]);
  throws(() => readPngText(png.subarray(0, png.length - 12)), imageError(/without its IEND/));
  throws(() => readPngText(png.subarray(0, png.length - 20)), imageError(/only \d+ remain/));
  const p = pngParts(2, 2);
  const beyond = joinBytes(
    p.signature,
    p.header,
    textChunk("k", "v", { declaredLength: 5000 }),
    p.end,
  );
  throws(
    () => readPngText(beyond),
    imageError(/tEXt at byte 33 declares 5000 bytes but only \d+ remain/),
  );
});

Deno.test("readPngText() refuses a declared length of 2^31 without allocating", () => {
  const p = pngParts(2, 2);
  const huge = joinBytes(p.signature, p.header, textChunk("k", "v", { declaredLength: 2 ** 31 }));
  throws(() => readPngText(huge), imageError(/declares 2147483648 bytes, more than PNG allows/));
});

Deno.test("readPngText() stops at 1000 chunks: 10,000 tiny ones end in an error", async () => {
  const tiny = pngChunk("tIMe", new Uint8Array(7));
  const many = makePng(1, 1, Array.from({ length: 10_000 }, () => tiny));
  throws(() => readPngText(many), imageError(/more than 1000 chunks besides image data/));
  const timed = await withinBudget(() => throws(() => readPngText(many)), 500);
  equal(timed.ok, true, describeTiming(timed.last));
  const texts = makePng(1, 1, Array.from({ length: 65 }, (_, i) => textChunk(`k${i}`, "v")));
  throws(() => readPngText(texts), imageError(/more than 64 text chunks/));
});

Deno.test("readPngText() stops a zTXt zip bomb (1 GB of zeros) at 2 MB, fast and without the memory", async () => {
  const bomb = zlibZeros(1024);
  equal(bomb.length < 2_000_000, true, `the bomb is ${bomb.length} bytes`);
  const png = makePng(1, 1, [ztxtChunk("parameters", "", bomb)]);
  const rss = Deno.memoryUsage().rss;
  throws(
    () => readPngText(png),
    imageError(/"parameters" inflates to more than 2 MB; refused/),
  );
  const grew = (Deno.memoryUsage().rss - rss) / 1e6;
  // Timed apart from the first read, like the tests above, so a busy machine retries, not fails.
  const timed = await withinBudget(() => throws(() => readPngText(png)), 1000);
  equal(timed.ok, true, describeTiming(timed.last));
  equal(grew < 100, true, `RSS grew ${grew} MB`);
});

Deno.test("the test zip bomb is a valid zlib stream of zeros", () => {
  const out = inflateSync(zlibZeros(3));
  equal(out.length, 3 * 1024 * 1024);
  equal(out.every((b) => b === 0), true);
});

Deno.test("readPngText() caps all compressed text together at 8 MB", () => {
  // Five chunks of 1.9 MB each pass one by one but not together.
  const big = new Uint8Array(deflateSync(Buffer.alloc(1_900_000, 0x61)));
  const chunks = Array.from({ length: 5 }, (_, i) => ztxtChunk(`k${i}`, "", big));
  throws(
    () => readPngText(makePng(1, 1, chunks)),
    imageError(/past the 8 MB allowed for all text chunks together/),
  );
  equal(readPngText(makePng(1, 1, chunks.slice(0, 4))).texts.length, 4);
});

Deno.test("readPngText() refuses a compressed iTXt bomb the same way", () => {
  const data = joinBytes(new TextEncoder().encode("workflow\0\x01\x00\0\0"), zlibZeros(64));
  throws(
    () => readPngText(makePng(1, 1, [pngChunk("iTXt", data)])),
    imageError(/"workflow" inflates to more than 2 MB/),
  );
});

Deno.test("pngPixelsOnly() keeps the critical chunks and tRNS, drops text and the rest", () => {
  const p = pngParts(2, 2);
  const trns = pngChunk("tRNS", Uint8Array.of(0, 0, 0, 0, 0, 0));
  const png = joinBytes(
    p.signature,
    p.header,
    textChunk("workflow", "x".repeat(5000)),
    trns,
    pngChunk("tIMe", new Uint8Array(7)),
    p.data,
    itxtChunk("prompt", "y"),
    p.end,
  );
  deepEqual(pngPixelsOnly(png), joinBytes(p.signature, p.header, trns, p.data, p.end));
  // A chunk running past the end is copied as it is, for the codec to refuse.
  const cut = joinBytes(p.signature, p.header, p.data.subarray(0, 10));
  deepEqual(pngPixelsOnly(cut), cut);
});
