import { deepEqual, equal, match, throws } from "node:assert/strict";
import { analyzeWorkflow, type ComfyGraph, fillWorkflow, parseWorkflow } from "./workflow.ts";
import { AppError } from "../app/errors.ts";

const fixture = (name: string): ComfyGraph =>
  JSON.parse(Deno.readTextFileSync(new URL(`../../tests/fixtures/${name}`, import.meta.url)));

Deno.test("analyzeWorkflow() follows KSampler positive and negative to their encoders", () => {
  const a = analyzeWorkflow(fixture("sdxl_api.json"));
  deepEqual(a.positive, [{ node: "6", input: "text" }]);
  deepEqual(a.negative, [{ node: "7", input: "text" }]);
  deepEqual(a.seed, [{ node: "3", input: "seed" }]);
  deepEqual(a.warnings, []);
  const filled = fillWorkflow(fixture("sdxl_api.json"), a, {
    positive: "P",
    negative: "N",
    seed: 5,
  });
  equal(filled["6"]!.inputs.text, "P");
  equal(filled["7"]!.inputs.text, "N");
  equal(filled["3"]!.inputs.seed, 5);
});

Deno.test("analyzeWorkflow() walks SamplerCustomAdvanced → BasicGuider → FluxGuidance for Flux", () => {
  const a = analyzeWorkflow(fixture("flux_api.json"));
  deepEqual(a.positive, [{ node: "6", input: "text" }]);
  deepEqual(a.negative, []);
  deepEqual(a.seed, [{ node: "25", input: "noise_seed" }]);
  match(a.warnings[0]!, /BasicGuider \(node 22\) has no negative prompt/);
});

Deno.test("analyzeWorkflow() fills both fields of CLIPTextEncodeFlux and follows primitive links", () => {
  const g: ComfyGraph = {
    "1": { class_type: "KSampler", inputs: { seed: 1, positive: ["2", 0], negative: ["3", 0] } },
    "2": { class_type: "CLIPTextEncodeFlux", inputs: { clip_l: "x", t5xxl: "y", guidance: 3.5 } },
    "3": { class_type: "ConditioningZeroOut", inputs: { conditioning: ["4", 0] } },
    "4": { class_type: "CLIPTextEncode", inputs: { text: ["5", 0] } },
    "5": { class_type: "PrimitiveStringMultiline", inputs: { value: "neg" } },
  };
  const a = analyzeWorkflow(g);
  deepEqual(a.positive, [{ node: "2", input: "clip_l" }, { node: "2", input: "t5xxl" }]);
  deepEqual(a.negative, [], "a zeroed-out negative is not filled");
  match(a.warnings[0]!, /zeroed out/);
  const linked: ComfyGraph = {
    "1": { class_type: "KSampler", inputs: { seed: 1, positive: ["4", 0], negative: ["4", 0] } },
    "4": { class_type: "CLIPTextEncode", inputs: { text: ["5", 0] } },
    "5": { class_type: "PrimitiveStringMultiline", inputs: { value: "old" } },
  };
  deepEqual(analyzeWorkflow(linked).positive, [{ node: "5", input: "value" }]);
});

Deno.test("placeholders win: %prompt%, %negative_prompt% and %seed% are replaced where they stand", () => {
  const g: ComfyGraph = {
    "1": {
      class_type: "KSampler",
      inputs: { seed: "%seed%", positive: ["2", 0], negative: ["3", 0] },
    },
    "2": { class_type: "CLIPTextEncode", inputs: { text: "masterpiece, %prompt%" } },
    "3": { class_type: "CLIPTextEncode", inputs: { text: "%negative_prompt%, bad hands" } },
  };
  const a = analyzeWorkflow(g);
  deepEqual(a.placeholders.sort(), ["%negative_prompt%", "%prompt%", "%seed%"]);
  const f = fillWorkflow(g, a, { positive: "a fox", negative: "blurry", seed: 9 });
  equal(f["2"]!.inputs.text, "masterpiece, a fox");
  equal(f["3"]!.inputs.text, "blurry, bad hands");
  equal(f["1"]!.inputs.seed, 9);
});

Deno.test("parseWorkflow() refuses the editor (UI) format and says how to export the API one", () => {
  throws(
    () => parseWorkflow({ nodes: [], links: [], version: 0.4 }),
    (e: unknown) =>
      e instanceof AppError && /Export \(API\)/.test(e.message) && e.type === "ui_format_workflow",
  );
  throws(() => parseWorkflow({ "1": { inputs: {} } }), /class_type/);
  throws(() => parseWorkflow([]), /JSON object of nodes/);
});

Deno.test("ComfyClient.follow() falls back to polling /history when there is no websocket", async () => {
  const { startFakeComfy } = await import("../../tests/fakes/fake_comfyui.ts");
  const { ComfyClient } = await import("./client.ts");
  const comfy = startFakeComfy({ steps: 2, stepMs: 5 });
  try {
    const client = new ComfyClient(comfy.url);
    const id = await client.queue(fixture("sdxl_api.json"), "nobody-listens");
    const result = await client.follow(id, null, {}, { pollMs: 20 });
    equal(result.ok, true);
    equal(result.images.length, 1);
    match(result.images[0]!.filename, /^promptsmith_\d+_\.png$/);
  } finally {
    await comfy.close();
  }
});
