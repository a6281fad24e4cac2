import { deepEqual, equal } from "node:assert/strict";
import { describeTiming, withinBudget } from "../../tests/support/timing.ts";
import { parseA1111Parameters, parseSettingsLine } from "./a1111_parameters.ts";

const FULL = [
  "masterpiece, a lighthouse on a cliff,",
  "stormy sea, <lora:detail:0.6>",
  "Negative prompt: lowres, blurry,",
  "bad hands",
  'Steps: 20, Sampler: DPM++ 2M Karras, Schedule type: Karras, CFG scale: 7, Seed: 1234, Size: 832x1216, Model hash: 31e35c80fc, Model: juggernautXL_v9, Denoising strength: 0.35, Clip skip: 2, Lora hashes: "detail: 1a2b, other: 3c4d", Version: v1.10.1',
].join("\n");

Deno.test("parseA1111Parameters() splits positive, multi-line negative and settings", () => {
  const p = parseA1111Parameters(FULL);
  equal(p.positive, "masterpiece, a lighthouse on a cliff,\nstormy sea, <lora:detail:0.6>");
  equal(p.negative, "lowres, blurry,\nbad hands");
  deepEqual(p.settings, {
    steps: 20,
    sampler: "DPM++ 2M Karras",
    scheduler: "Karras",
    cfg: 7,
    seed: 1234,
    width: 832,
    height: 1216,
    modelHash: "31e35c80fc",
    model: "juggernautXL_v9",
    denoise: 0.35,
    clipSkip: 2,
    other: { "Lora hashes": "detail: 1a2b, other: 3c4d", Version: "v1.10.1" },
  });
});

Deno.test("parseA1111Parameters() keeps a prompt without negative or settings whole", () => {
  const p = parseA1111Parameters("just a prompt, with commas\nand a second line");
  equal(p.positive, "just a prompt, with commas\nand a second line");
  equal(p.negative, "");
  deepEqual(p.settings, { other: {} });
  // Fewer than three pairs is not a settings line (A1111's rule).
  equal(
    parseA1111Parameters("a cat\nstyle: anime, mood: calm").positive,
    "a cat\nstyle: anime, mood: calm",
  );
});

Deno.test("parseA1111Parameters() keeps Dynamic Prompts' Template lines after the settings", () => {
  const text = `${FULL}\nTemplate: a {lighthouse|castle}, stormy\nNegative Template: lowres`;
  const p = parseA1111Parameters(text);
  equal(p.negative, "lowres, blurry,\nbad hands");
  equal(p.settings.seed, 1234);
  equal(p.settings.other["Template"], "a {lighthouse|castle}, stormy");
  equal(p.settings.other["Negative Template"], "lowres");
});

Deno.test("parseA1111Parameters() reads an empty prompt and CRLF line ends", () => {
  const p = parseA1111Parameters(
    "\r\nNegative prompt: ugly\r\nSteps: 4, Sampler: Euler, Seed: 5\r\n",
  );
  equal(p.positive, "");
  equal(p.negative, "ugly");
  equal(p.settings.steps, 4);
});

Deno.test("parseSettingsLine() honours quotes and escapes and skips pieces that are not pairs", () => {
  deepEqual(parseSettingsLine('Aa: 1, junk, Bb: "x, \\"y\\"", Cc: plain "quote" in, D: 4'), [
    ["Aa", "1"],
    ["Bb", 'x, "y"'],
    ["Cc", 'plain "quote" in'],
  ], "keys have two characters or more, as in A1111");
  deepEqual(parseSettingsLine('Hires prompt: "unclosed, Steps: 20'), [
    ["Hires prompt", '"unclosed'],
    ["Steps", "20"],
  ]);
});

Deno.test("parseSettingsLine() stays linear on hostile lines", async () => {
  const cases = [
    'a: "x, '.repeat(100_000),
    "k".repeat(500_000) + ":",
    ", ".repeat(300_000),
    'A: "' + "\\".repeat(400_001),
  ];
  for (const line of cases) {
    // A quadratic scan of these lines takes minutes; the bound leaves room for a busy machine.
    const timed = await withinBudget(() => {
      parseSettingsLine(line);
      parseA1111Parameters(`${line}\n${line}\n${line}`);
    }, 2000);
    equal(timed.ok, true, `${describeTiming(timed.last)} on a ${line.length}-character line`);
  }
});
