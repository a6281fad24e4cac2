import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import { analyzeWorkflow, type ComfyGraph, fillWorkflow, parseWorkflow } from "./workflow.ts";
import { AppError } from "../app/errors.ts";
import { readComfyGraph } from "../images/comfy_prompts.ts";
import { apiGraphFromUi } from "../images/comfy_ui_graph.ts";
import { describeTiming, withinBudget } from "../../tests/support/timing.ts";

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

/** Every name `Object.prototype` has: as keys of plain objects they find something inherited. */
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype);
const NODE_TYPES = [
  "KSampler",
  "CLIPTextEncode",
  "ConditioningCombine",
  "FluxGuidance",
  "BasicGuider",
  "RandomNoise",
  "CheckpointLoaderSimple",
  "EmptyLatentImage",
  "PrimitiveNode",
];

const protoKey = fc.constantFrom(...PROTO_KEYS);
const nodeId = fc.oneof(protoKey, fc.constantFrom("1", "2", "3", "4"));
const inputName = fc.oneof(
  protoKey,
  fc.constantFrom("positive", "negative", "conditioning", "text", "seed", "model", "guider"),
);
const inputValue = fc.oneof(
  fc.tuple(nodeId, fc.constantFrom(0, 1)),
  fc.constantFrom("a fox", "%prompt%", "%seed%", 7, null),
);
const apiNode = fc.record({
  class_type: fc.oneof(protoKey, fc.constantFrom(...NODE_TYPES)),
  inputs: fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(inputName, inputValue, { maxKeys: 4 }) },
    fc.constant(null),
    fc.constant([]),
  ),
});
/** Objects built as JSON.parse builds them: own properties, `__proto__` included. */
const apiGraph = fc.array(fc.tuple(nodeId, apiNode), { minLength: 1, maxLength: 6 }).map((
  pairs,
) => JSON.parse(`{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)}}`));

function holdsUndefined(value: unknown): boolean {
  return JSON.stringify(value).includes("undefined");
}

Deno.test("property: workflows whose ids, class types, inputs and links are Object.prototype names are analysed or refused with a 400", () => {
  fc.assert(
    fc.property(apiGraph, (json) => {
      let graph: ComfyGraph;
      try {
        graph = parseWorkflow(json);
      } catch (err) {
        ok(err instanceof AppError && err.status === 400, String(err));
        return;
      }
      const analysis = analyzeWorkflow(graph);
      ok(!holdsUndefined(analysis), JSON.stringify(analysis));
      const filled = fillWorkflow(graph, analysis, { positive: "P", negative: "N", seed: 1 });
      ok(!holdsUndefined(filled), JSON.stringify(filled));
      const reading = readComfyGraph(graph);
      ok(!holdsUndefined(reading), JSON.stringify(reading));
    }),
    { numRuns: 500, seed: 18 },
  );
});

Deno.test("property: editor workflows whose node types and links name Object.prototype are read", () => {
  const uiNode = fc.record({
    id: fc.oneof(fc.constantFrom(1, 2, 3), protoKey),
    type: fc.oneof(protoKey, fc.constantFrom(...NODE_TYPES)),
    widgets_values: fc.oneof(
      fc.constant(["a fox", 5]),
      fc.dictionary(protoKey, fc.string({ maxLength: 3 }), { maxKeys: 2 }),
      fc.constant(null),
    ),
    inputs: fc.array(fc.record({ name: inputName, link: fc.constantFrom(1, 2, null) }), {
      maxLength: 3,
    }),
  });
  fc.assert(
    fc.property(fc.array(uiNode, { minLength: 1, maxLength: 5 }), (nodes) => {
      const ui = JSON.parse(JSON.stringify({ nodes, links: [[1, 1, 0, 2, 0], [2, 2, 0, 3, 0]] }));
      const graph = apiGraphFromUi(ui);
      const reading = readComfyGraph(graph);
      ok(!holdsUndefined(reading), JSON.stringify(reading));
    }),
    { numRuns: 300, seed: 18 },
  );
});

Deno.test("a workflow with class_type toString, inputs null or a link to constructor is handled", () => {
  throws(
    () => parseWorkflow(JSON.parse('{"1":{"class_type":"KSampler","inputs":null}}')),
    (err: unknown) =>
      err instanceof AppError && err.status === 400 && /workflow\.1/.test(err.message),
  );
  const graph = parseWorkflow(JSON.parse(`{
    "1": {"class_type": "KSampler", "inputs": {"positive": ["constructor", 0], "negative": ["2", 0]}},
    "2": {"class_type": "toString", "inputs": {"conditioning": ["3", 0]}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox"}},
    "constructor": {"class_type": "valueOf", "inputs": {}}
  }`));
  const a = analyzeWorkflow(graph);
  deepEqual(a.positive, []);
  deepEqual(a.negative, []);
});

Deno.test("an 11,000-node conditioning chain is analysed without overflowing the stack, in linear time", async () => {
  const n = 11_000;
  const graph: ComfyGraph = {
    s: { class_type: "KSampler", inputs: { positive: ["c0", 0], negative: ["c0", 0], seed: 1 } },
    enc: { class_type: "CLIPTextEncode", inputs: { text: "a fox" } },
  };
  for (let i = 0; i < n; i++) {
    graph[`c${i}`] = {
      class_type: "ConditioningCombine",
      inputs: { conditioning_1: [i + 1 < n ? `c${i + 1}` : "enc", 0], conditioning_2: ["enc", 0] },
    };
  }
  deepEqual(analyzeWorkflow(graph).positive, [{ node: "enc", input: "text" }]);
  const timed = await withinBudget(() => analyzeWorkflow(graph), 50);
  ok(timed.ok, describeTiming(timed.last));
  equal(readComfyGraph(graph).positive, "a fox");
});
