import { deepEqual, equal } from "node:assert/strict";
import { cleanForClip, loadClipBpe } from "./clip_bpe.ts";

// Expected ids are published outputs of openai/CLIP and Hugging Face's CLIPTokenizer (the
// "a photo of a cat/dog" pair from the CLIP and transformers docs and model tests; the rest from
// projects that check their ports against transformers' CLIPTokenizer output).
const KNOWN: [string, number[]][] = [
  ["a photo of a cat", [49406, 320, 1125, 539, 320, 2368, 49407]],
  ["a photo of a dog", [49406, 320, 1125, 539, 320, 1929, 49407]],
  ["a dog in the snow", [49406, 320, 1929, 530, 518, 2583, 49407]],
  ["Hello, world!", [49406, 3306, 267, 1002, 256, 49407]],
  ["A PHOTO of  a Cat!", [49406, 320, 1125, 539, 320, 2368, 256, 49407]],
  ["don't stop 42 times", [49406, 847, 713, 1691, 275, 273, 1661, 49407]],
  ["cafe uber naive", [49406, 4979, 10668, 43362, 49407]],
  [
    "hello-world, 3.14 (test)",
    [49406, 3306, 268, 1002, 267, 274, 269, 272, 275, 263, 1628, 264, 49407],
  ],
  ["café über naïve", [49406, 15304, 6522, 1516, 1097, 35689, 563, 49407]],
  ["  spaced   out  ", [49406, 10336, 538, 620, 49407]],
  ["", [49406, 49407]],
];

Deno.test("the test tokenizer reproduces CLIP's published token ids", () => {
  const bpe = loadClipBpe();
  for (const [text, ids] of KNOWN) deepEqual(bpe.encode(text), ids, JSON.stringify(text));
});

Deno.test("the test tokenizer counts tokens without the start and end marks", () => {
  const bpe = loadClipBpe();
  equal(bpe.count("a photo of a cat"), 5);
  equal(bpe.count(""), 0);
});

Deno.test("digits are one token each and a contraction is split off its word", () => {
  const bpe = loadClipBpe();
  deepEqual(bpe.tokens("1024 it's"), ["1</w>", "0</w>", "2</w>", "4</w>", "it</w>", "'s</w>"]);
});

Deno.test("CLIP's clean-up folds full-width punctuation, curly quotes and entities", () => {
  equal(cleanForClip("Ａ，ｂ\u3000“c” &amp;amp; ‘d’"), "a,b \"c\" & 'd'");
  equal(cleanForClip("cafe\u0301"), "café", "NFC joins the accent to its letter");
});
