import assert from "node:assert/strict";
import { loadTargets, systemPrompt } from "../prompt/targets.ts";
import { PresetStore } from "../presets/store.ts";
import type { PlanContext } from "../prompt/plans.ts";
import { compatModels, findCompatModel } from "./models.ts";
import { planCompat } from "./plan.ts";

const targets = loadTargets();
const catalog = new PresetStore().get(false);
const ctx: PlanContext = { targets, catalog, defaultModel: "qwen3:latest" };
const models = compatModels(targets, catalog.packs);
const pack = catalog.packs[0]!;

Deno.test("a first turn is a one-shot plan for the model's target and pack, with the configured LLM, kept as mode api", () => {
  const model = findCompatModel(models, `promptsmith/sdxl:${pack.id}`);
  const plan = planCompat(ctx, { model, idea: "a fox", history: [], guidance: "", seed: 7 });
  assert.equal(plan.mode, "api");
  assert.equal(plan.target.id, "sdxl");
  assert.equal(plan.ollamaModel, "qwen3:latest");
  assert.equal(plan.messages[0]!.content, systemPrompt(plan.target, "oneshot"));
  assert.match(plan.messages.at(-1)!.content, /^Idea: a fox/);
  assert.equal(plan.presetsRecord.pack, pack.id);
  assert.equal(plan.presetsRecord.api_model, model.name);
  assert.deepEqual(plan.request.selections, { pack: pack.id });
  assert.equal(plan.options.seed, 7);
});

Deno.test("the caller's system prompt is added after ours, never in its place", () => {
  const model = findCompatModel(models, "promptsmith/flux");
  const plan = planCompat(ctx, {
    model,
    idea: "a fox",
    history: [],
    guidance: "You are an AI artist. Mention the moon.",
  });
  const system = plan.messages[0]!.content;
  assert.ok(system.startsWith(systemPrompt(plan.target, "oneshot")));
  assert.ok(system.endsWith("You are an AI artist. Mention the moon."));
  assert.equal(plan.messages.filter((m) => m.role === "system").length, 1);
  assert.equal(plan.presetsRecord.guidance, "You are an AI artist. Mention the moon.");
});

Deno.test("a follow-up is a chat turn over the earlier turns", () => {
  const model = findCompatModel(models, "promptsmith/flux");
  const history = [
    { role: "user" as const, content: "a fox" },
    { role: "assistant" as const, content: "A red fox in snow." },
  ];
  const plan = planCompat(ctx, { model, idea: "make it night", history, guidance: "" });
  assert.equal(plan.mode, "api");
  assert.equal(plan.messages[0]!.content, systemPrompt(plan.target, "chat"));
  assert.deepEqual(plan.messages.slice(1, 3), history);
  assert.equal(plan.messages.at(-1)!.content, "make it night");
  assert.equal(plan.userInput, "make it night");
});
