import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { makePng } from "../../tests/support/png_writer.ts";
import { AppError } from "../app/errors.ts";
import { GenerationSlots } from "../app/slots.ts";
import type { ImageProcessor } from "../images/image_workers.ts";
import { prepareImage } from "../images/prepare_image.ts";
import type { LlmClient } from "../llm/types.ts";
import { buildCatalog, BUILTIN_PRESETS, readPresetFolder } from "../presets/catalog.ts";
import { resolvePresets } from "../prompt/assembly.ts";
import type { PlanContext } from "../prompt/plans.ts";
import { loadTargets } from "../prompt/targets.ts";
import { imageUserMessage, planImagePrompt } from "./image_prompt.ts";

const catalog = buildCatalog(readPresetFolder(BUILTIN_PRESETS, "presets/"));
const ctx: PlanContext = { targets: loadTargets(), catalog, defaultModel: "llava:7b" };
const png = makePng(20, 10);

/** An LLM whose models' capabilities are given, and which counts what it is asked. */
function llm(caps: Record<string, string[]>) {
  const asked: string[] = [];
  const client: Pick<LlmClient, "tags" | "capabilities"> = {
    tags: () => Promise.resolve(Object.keys(caps).map((name) => ({ name }))),
    capabilities: (model: string) => {
      asked.push(model);
      return Promise.resolve(caps[model] ?? []);
    },
  };
  return { client, asked };
}

/** Prepares in-process and counts the jobs, so tests see whether decoding happened. */
function images() {
  let jobs = 0;
  const processor: ImageProcessor = {
    prepare: (bytes, tasks) => {
      jobs++;
      return prepareImage(bytes, tasks);
    },
  };
  return { processor, jobs: () => jobs };
}

function badRequest(type: string, pattern: RegExp) {
  return (e: unknown) =>
    e instanceof AppError && e.status === 400 && e.type === type && pattern.test(e.message);
}

Deno.test("imageUserMessage() makes the picture the idea, adds the direction, presets and kept terms", () => {
  const presets = resolvePresets(catalog, { style: "Watercolor" });
  const text = imageUserMessage("at night", presets, ["<lora:x:1>"]);
  match(text, /^Idea: the attached picture\. The user adds: at night\n\nLook at the picture/);
  match(
    text,
    /Restyle it with the presets below; where they differ from the picture, the presets win\./,
  );
  match(text, /Presets to weave in:\n- Style: /);
  match(text, /Keep these exactly as written, in the prompt: <lora:x:1>/);
  match(text, /Write the prompt now\.$/);
  const bare = imageUserMessage("", resolvePresets(catalog, {}));
  equal(bare.includes("Restyle"), false);
  equal(bare.includes("The user adds"), false);
});

Deno.test("planImagePrompt() attaches the picture as raw base64 and keeps a thumbnail for history", async () => {
  const { client } = llm({ "llava:7b": ["completion", "vision"] });
  const { processor } = images();
  const planned = await planImagePrompt(
    { llm: client, images: processor },
    ctx,
    { model: "sdxl", input: "  moody  " },
    png,
  );
  equal(planned.vision, "declared");
  const user = planned.plan.messages[1]!;
  deepEqual(user.images, [png.toBase64()], "a small PNG goes as it is");
  equal(planned.plan.mode, "image");
  equal(planned.plan.userInput, "moody");
  equal(planned.plan.target.id, "sdxl");
  equal(planned.plan.source?.format, "png");
  deepEqual([planned.plan.source?.thumbnail?.width, planned.plan.source?.thumbnail?.height], [
    20,
    10,
  ]);
  equal(planned.reading.source, "none");
  deepEqual(planned.plan.request, { input: "moody", model: "sdxl", image: "png" });
});

Deno.test("cheap checks come first: a non-image never asks the LLM; a bad preset, no vision or a full cap never decodes", async () => {
  const { client, asked } = llm({ "llava:7b": ["completion", "vision"], "qwen3": ["completion"] });
  const work = images();
  const deps = { llm: client, images: work.processor };
  await rejects(
    planImagePrompt(deps, ctx, {}, new TextEncoder().encode("GIF89a")),
    badRequest("invalid_image", /GIF/),
  );
  equal(asked.length, 0);
  await rejects(
    planImagePrompt(deps, ctx, { style: "Nope" }, png),
    badRequest("unknown_preset", /style: unknown preset "Nope"/),
  );
  await rejects(
    planImagePrompt(deps, ctx, { ollama_model: "qwen3" }, png),
    (e: unknown) =>
      badRequest(
        "model_without_vision",
        /"qwen3" cannot read images.*pick one that does: llava:7b/,
      )(e) &&
      JSON.stringify((e as AppError).extra.vision_models) === '["llava:7b"]',
  );
  const slots = new GenerationSlots({ perKey: 1 });
  const who = { key: "k", address: "a" };
  const held = slots.acquire(who);
  await rejects(
    planImagePrompt({ ...deps, slots }, ctx, {}, png, { requester: who }),
    (e: unknown) => e instanceof AppError && e.status === 429,
  );
  held.release();
  equal(work.jobs(), 0, "nothing was decoded");
  ok(await planImagePrompt({ ...deps, slots }, ctx, {}, png, { requester: who }));
  equal(work.jobs(), 1);
});

Deno.test("a model whose capabilities are unknown is assumed to see", async () => {
  const { client } = llm({ "llava:7b": [] });
  const planned = await planImagePrompt({ llm: client, images: images().processor }, ctx, {}, png);
  equal(planned.vision, "assumed");
});
