import { deepEqual, equal, match, throws } from "node:assert/strict";
import {
  asciiEntry,
  buildTiff,
  exifApp1,
  insertJpegSegments,
  userCommentEntry,
  webpWithExif,
} from "../../tests/support/exif_writer.ts";
import { jpegFrom, webpFrom } from "../../tests/support/image_encoders.ts";
import { gradient, itxtChunk, makePng, textChunk } from "../../tests/support/png_writer.ts";
import { imageError } from "../../tests/support/image_errors.ts";
import { A1111_PARAMETERS, a1111Jpeg } from "../../tests/support/sample_images.ts";
import { promptFromTexts, readImagePrompt } from "./prompt_metadata.ts";

const fixtureText = (name: string) =>
  Deno.readTextFileSync(new URL(`../../tests/fixtures/${name}`, import.meta.url));
const SDXL_UI = JSON.parse(fixtureText("sdxl_ui.json"));
const PARAMETERS = [
  "a lighthouse, stormy sea",
  "Negative prompt: lowres",
  'Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234, Size: 832x1216, Model hash: abc123, Model: juggernautXL, Lora hashes: "a: 1, b: 2"',
].join("\n");
const px = gradient(24, 16);

Deno.test("readImagePrompt() reads an A1111 PNG (tEXt parameters)", () => {
  const r = readImagePrompt(makePng(24, 16, [textChunk("parameters", PARAMETERS)]));
  if (r.source !== "a1111") throw new Error(`expected a1111, got ${r.source}`);
  equal(r.positive, "a lighthouse, stormy sea");
  equal(r.negative, "lowres");
  deepEqual(r.settings, {
    steps: 20,
    sampler: "DPM++ 2M Karras",
    cfg: 7,
    seed: 1234,
    width: 832,
    height: 1216,
    modelHash: "abc123",
    model: "juggernautXL",
    other: { "Lora hashes": "a: 1, b: 2" },
  });
  equal(r.parameters, PARAMETERS);
  deepEqual(r.image, { format: "png", mime: "image/png", width: 24, height: 16 });
});

Deno.test("readImagePrompt() reads a non-Latin A1111 prompt that PIL wrote as iTXt", () => {
  const text = PARAMETERS.replace("a lighthouse", "灯台");
  const r = readImagePrompt(makePng(2, 2, [itxtChunk("parameters", text)]));
  equal(r.source === "a1111" && r.positive, "灯台, stormy sea");
});

Deno.test("readImagePrompt() reads a ComfyUI PNG: prompts, settings and the API graph to save", () => {
  const api = fixtureText("sdxl_api.json");
  const png = makePng(24, 16, [
    textChunk("prompt", JSON.stringify(JSON.parse(api))),
    textChunk("workflow", JSON.stringify(SDXL_UI)),
  ]);
  const r = readImagePrompt(png);
  if (r.source !== "comfyui") throw new Error(`expected comfyui, got ${r.source}`);
  equal(r.positive, "old positive");
  equal(r.negative, "old negative");
  equal(r.settings.seed, 8566257);
  equal(r.settings.model, "juggernautXL.safetensors");
  deepEqual(r.apiGraph, JSON.parse(api));
  deepEqual(r.uiWorkflow, SDXL_UI);
  deepEqual(r.warnings, []);
});

Deno.test("readImagePrompt() reads the Flux graph: no negative, guidance instead of CFG", () => {
  const r = readImagePrompt(makePng(2, 2, [textChunk("prompt", fixtureText("flux_api.json"))]));
  if (r.source !== "comfyui") throw new Error(`expected comfyui, got ${r.source}`);
  equal(r.positive, "a cat");
  equal(r.negative, "");
  equal(r.settings.guidance, 3.5);
  equal(r.settings.model, "flux1-dev.safetensors");
  equal(r.uiWorkflow, null);
});

Deno.test("readImagePrompt() falls back to the editor workflow and says so", () => {
  const r = readImagePrompt(makePng(2, 2, [textChunk("workflow", JSON.stringify(SDXL_UI))]));
  if (r.source !== "comfyui") throw new Error(`expected comfyui, got ${r.source}`);
  equal(r.positive, "a lighthouse in a storm");
  equal(r.negative, "lowres, blurry");
  equal(r.apiGraph, null);
  match(r.warnings[0]!, /Only the editor workflow is embedded/);
});

Deno.test("readImagePrompt() reports a broken ComfyUI graph and still uses the editor workflow", () => {
  const png = makePng(2, 2, [
    textChunk("prompt", '{"1": {"inputs": {}}}'),
    textChunk("workflow", JSON.stringify(SDXL_UI)),
  ]);
  const r = readImagePrompt(png);
  equal(r.source, "comfyui");
  match(
    r.warnings[0]!,
    /embedded ComfyUI graph is not usable: workflow\.1: every node needs class_type/,
  );
});

Deno.test("readImagePrompt() reads an A1111 JPEG (Exif UserComment, UNICODE big-endian)", async () => {
  const r = readImagePrompt(await a1111Jpeg(24, 16));
  equal(r.source, "a1111");
  equal(r.source === "a1111" && r.settings.seed, 1234567);
  equal(r.source === "a1111" && r.parameters, A1111_PARAMETERS);
  deepEqual(r.image, { format: "jpeg", mime: "image/jpeg", width: 24, height: 16 });
});

Deno.test("readImagePrompt() reads a ComfyUI WebP (prompt: and workflow: in Exif IFD0)", async () => {
  const tiff = buildTiff({
    littleEndian: true,
    ifd0: [
      asciiEntry(0x0110, `prompt:${fixtureText("sdxl_api.json")}`),
      asciiEntry(0x010f, `workflow:${JSON.stringify(SDXL_UI)}`),
    ],
  });
  const webp = webpWithExif(await webpFrom(px, 24, 16), tiff);
  const r = readImagePrompt(webp);
  if (r.source !== "comfyui") throw new Error(`expected comfyui, got ${r.source}`);
  equal(r.positive, "old positive");
  equal(r.image.format, "webp");
});

Deno.test("readImagePrompt() says plainly when an image has no prompt", async () => {
  const camera = buildTiff({
    ifd0: [asciiEntry(0x010f, "Canon"), asciiEntry(0x0110, "EOS R5")],
    exif: [userCommentEntry("holiday at the beach", "ascii")],
  });
  const files = [
    makePng(2, 2),
    makePng(2, 2, [textChunk("Software", "GIMP"), textChunk("prompt", "not json")]),
    insertJpegSegments(await jpegFrom(px, 24, 16), exifApp1(camera)),
    await webpFrom(px, 24, 16),
  ];
  for (const file of files) {
    const r = readImagePrompt(file);
    equal(r.source, "none");
    equal(
      r.source === "none" && r.message,
      "No prompt found in this image: it has no A1111 parameters or ComfyUI graph.",
    );
  }
});

Deno.test("readImagePrompt() turns a file that is not an image into a 400 naming the problem", () => {
  throws(
    () => readImagePrompt(new TextEncoder().encode("GIF89a")),
    imageError(/^image: this is a GIF image; use a PNG, JPEG or WebP image$/),
  );
});

Deno.test("promptFromTexts() turns hostile ComfyUI graphs into warnings, never exceptions", () => {
  const graphs = {
    "a node type named like a prototype property": {
      "1": { class_type: "KSampler", inputs: { positive: ["2", 0], negative: ["constructor", 0] } },
      "2": { class_type: "constructor", inputs: { text: "x" } },
    },
    "null inputs": { "1": { class_type: "KSampler", inputs: null } },
    "too many nodes": Object.fromEntries(
      Array.from({ length: 5001 }, (_, i) => [String(i), { class_type: "Note", inputs: {} }]),
    ),
  };
  for (const [name, graph] of Object.entries(graphs)) {
    const r = promptFromTexts([{ keyword: "prompt", text: JSON.stringify(graph), source: "tEXt" }]);
    // A graph whose nodes break the API format is not read at all; the others are, with a warning.
    equal(r.source, name === "null inputs" ? "none" : "comfyui", name);
    match(
      r.warnings.join(" "),
      /could not be analysed|more than 5000 nodes|No positive prompt was found|not usable/,
      name,
    );
  }
});
