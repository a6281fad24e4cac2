import { equal } from "node:assert/strict";
import { loadTargets } from "../prompt/targets.ts";
import { modelFiles, pickWorkflow, type WorkflowFacts } from "./workflow_choice.ts";

const targets = loadTargets();
const target = (id: string) => targets.find((t) => t.id === id)!;

const flux: WorkflowFacts = {
  id: 1,
  name: "A basic",
  models: ["flux1-dev.safetensors"],
  takesNegative: false,
};
const sdxl: WorkflowFacts = {
  id: 2,
  name: "Portraits",
  models: ["juggernautxl_v9.safetensors"],
  takesNegative: true,
};

Deno.test("an SDXL prompt gets the SDXL workflow, not the alphabetically first Flux one", () => {
  equal(pickWorkflow([flux, sdxl], target("sdxl"))?.id, 2);
  equal(pickWorkflow([sdxl, flux], target("flux"))?.id, 1);
  equal(pickWorkflow([flux, sdxl], target("pony"))?.id, 2);
});

Deno.test("without names to go by, a workflow that takes a negative suits a target that has one", () => {
  const a = { id: 3, name: "one", models: [], takesNegative: false };
  const b = { id: 4, name: "two", models: [], takesNegative: true };
  equal(pickWorkflow([a, b], target("sd15"))?.id, 4);
  equal(pickWorkflow([b, a], target("flux"))?.id, 3);
});

Deno.test("the workflow last used for a target is chosen again while it exists", () => {
  equal(pickWorkflow([flux, sdxl], target("sdxl"), 1)?.id, 1);
  equal(pickWorkflow([flux, sdxl], target("sdxl"), 99)?.id, 2);
});

Deno.test("model files are read from checkpoint, UNet and CLIP loaders", () => {
  const graph = JSON.parse(
    Deno.readTextFileSync(new URL("../../tests/fixtures/flux_api.json", import.meta.url)),
  );
  equal(modelFiles(graph).includes("flux1-dev.safetensors"), true);
});
