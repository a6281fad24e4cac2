import { deepEqual, equal, match } from "node:assert/strict";
import type { ComfyGraph } from "../comfy/workflow.ts";
import { readComfyGraph } from "./comfy_prompts.ts";
import { apiGraphFromUi } from "./comfy_ui_graph.ts";

const fixtureText = (name: string) =>
  Deno.readTextFileSync(new URL(`../../tests/fixtures/${name}`, import.meta.url));
const fixture = (name: string): ComfyGraph => JSON.parse(fixtureText(name));

/** The SDXL fixture as the editor saves it: a Reroute on the positive, a primitive negative. */
const SDXL_UI = JSON.parse(fixtureText("sdxl_ui.json"));

Deno.test("readComfyGraph() reads the SDXL graph's prompts and KSampler settings", () => {
  const r = readComfyGraph(fixture("sdxl_api.json"));
  equal(r.positive, "old positive");
  equal(r.negative, "old negative");
  deepEqual(r.settings, {
    seed: 8566257,
    steps: 20,
    cfg: 8,
    sampler: "euler",
    scheduler: "normal",
    denoise: 1,
    model: "juggernautXL.safetensors",
    width: 1024,
    height: 1024,
    other: {},
  });
  deepEqual(r.warnings, []);
});

Deno.test("readComfyGraph() reads Flux through SamplerCustomAdvanced, its guider, noise and scheduler", () => {
  const r = readComfyGraph(fixture("flux_api.json"));
  equal(r.positive, "a cat");
  equal(r.negative, "");
  deepEqual(r.settings, {
    seed: 42,
    sampler: "euler",
    steps: 20,
    scheduler: "simple",
    denoise: 1,
    guidance: 3.5,
    model: "flux1-dev.safetensors",
    width: 1024,
    height: 1024,
    other: {},
  });
});

Deno.test("readComfyGraph() follows linked seeds and LoRA loaders, and dedupes SDXL's two texts", () => {
  const g: ComfyGraph = {
    "1": {
      class_type: "KSampler",
      inputs: {
        seed: ["9", 0],
        steps: 10,
        cfg: 4,
        positive: ["2", 0],
        negative: ["3", 0],
        model: ["8", 0],
      },
    },
    "2": { class_type: "CLIPTextEncodeSDXL", inputs: { text_g: "a fox", text_l: "a fox" } },
    "3": { class_type: "CLIPTextEncode", inputs: { text: ["4", 0] } },
    "4": { class_type: "SomeLLMPromptNode", inputs: { seed: 3, model: "llama" } },
    "8": { class_type: "LoraLoader", inputs: { model: ["7", 0], lora_name: "x.safetensors" } },
    "7": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "base.safetensors" } },
    "9": { class_type: "Seed (rgthree)", inputs: { seed: 77 } },
  };
  const r = readComfyGraph(g);
  equal(r.positive, "a fox");
  equal(r.negative, "");
  match(
    r.warnings[0]!,
    /negative prompt comes from SomeLLMPromptNode \(node 4\), which computes it/,
  );
  equal(r.settings.seed, 77);
  equal(r.settings.model, "base.safetensors");
});

Deno.test("readComfyGraph() says when there is no sampler", () => {
  const r = readComfyGraph({ "1": { class_type: "CLIPTextEncode", inputs: { text: "x" } } });
  deepEqual(r.settings, { other: {} });
  match(r.warnings.join(" "), /No sampler was found/);
});

Deno.test("apiGraphFromUi() rebuilds links through Reroutes, names widgets and drops muted nodes", () => {
  const g = apiGraphFromUi(SDXL_UI);
  deepEqual(g["3"], {
    class_type: "KSampler",
    inputs: {
      seed: 8566257,
      steps: 28,
      cfg: 6.5,
      sampler_name: "dpmpp_2m",
      scheduler: "karras",
      denoise: 1,
      model: ["4", 0],
      positive: ["6", 0],
      negative: ["7", 0],
      latent_image: ["5", 0],
    },
  });
  equal(g["10"], undefined);
  equal(g["12"], undefined);
  const r = readComfyGraph(g);
  equal(r.positive, "a lighthouse in a storm");
  equal(r.negative, "lowres, blurry", "the primitive feeding the text wins over the stale copy");
  deepEqual(r.settings, {
    seed: 8566257,
    steps: 28,
    cfg: 6.5,
    sampler: "dpmpp_2m",
    scheduler: "karras",
    denoise: 1,
    model: "juggernautXL.safetensors",
    width: 832,
    height: 1216,
    other: {},
  });
});

Deno.test("apiGraphFromUi() ignores junk and never touches prototypes", () => {
  const g = apiGraphFromUi({
    nodes: [
      null,
      { id: "__proto__", type: "KSampler" },
      { id: 1, type: "KSampler", widgets_values: { __proto__: { polluted: true }, seed: 1 } },
      { id: 2, type: 5 },
    ],
    links: [null, [1, 99, 0, 1, 0], "x"],
  });
  deepEqual(Object.keys(g), ["1"]);
  equal(({} as Record<string, unknown>).polluted, undefined);
  equal(Object.getPrototypeOf(g["1"]!.inputs), Object.prototype);
});
