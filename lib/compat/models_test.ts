import { describeTiming, withinBudget } from "../../tests/support/timing.ts";
import assert from "node:assert/strict";
import { loadTargets } from "../prompt/targets.ts";
import type { Pack } from "../presets/catalog.ts";
import {
  compatModels,
  findCompatModel,
  modelDigest,
  normalizeModelName,
  UnknownModelError,
  validModelName,
} from "./models.ts";

const targets = loadTargets();
const packs = [
  { id: "ghibli_magic", name: "Ghibli", icon: "", description: "d", selections: {} },
  {
    id: "custom_my_look",
    name: "My look",
    icon: "",
    description: "d",
    selections: {},
    custom: true,
  },
] as unknown as Pack[];

Deno.test("every target is served as :latest and once per pack; negative variants only for targets with a negative prompt", () => {
  const names = compatModels(targets, packs).map((m) => m.name);
  for (const t of targets) {
    assert.ok(names.includes(`promptsmith/${t.id}:latest`));
    assert.ok(names.includes(`promptsmith/${t.id}:ghibli_magic`));
    assert.ok(names.includes(`promptsmith/${t.id}:custom_my_look`));
    assert.equal(names.includes(`promptsmith/${t.id}-negative:latest`), t.negative);
  }
  assert.equal(new Set(names).size, names.length);
  const withNegative = targets.filter((t) => t.negative).length;
  assert.equal(names.length, (targets.length + withNegative) * (packs.length + 1));
});

Deno.test("a name without a tag means :latest, and case does not matter", () => {
  assert.equal(normalizeModelName("promptsmith/SDXL"), "promptsmith/sdxl:latest");
  assert.equal(
    normalizeModelName("promptsmith/sdxl:Ghibli_Magic"),
    "promptsmith/sdxl:ghibli_magic",
  );
  const models = compatModels(targets, packs);
  assert.equal(findCompatModel(models, "promptsmith/flux").name, "promptsmith/flux:latest");
  const neg = findCompatModel(models, "Promptsmith/SDXL-negative:ghibli_magic");
  assert.equal(neg.output, "negative");
  assert.equal(neg.pack?.id, "ghibli_magic");
  assert.equal(neg.target.id, "sdxl");
});

Deno.test("a target's old id or alias names its model: promptsmith/sd3 is SD 3.5", () => {
  const models = compatModels(targets, packs);
  assert.equal(findCompatModel(models, "promptsmith/sd3").name, "promptsmith/sd35:latest");
  const neg = findCompatModel(models, "promptsmith/noobai-negative:ghibli_magic");
  assert.equal(neg.name, "promptsmith/illustrious-negative:ghibli_magic");
  assert.throws(() => findCompatModel(models, "promptsmith/turbo-negative"), UnknownModelError);
});

Deno.test("an unknown name is a 404 that lists our models and tags", () => {
  const models = compatModels(targets, packs);
  for (const name of ["llama3.2", "promptsmith/flux:nope", "promptsmith/flux-negative", "sdxl"]) {
    let e: unknown;
    try {
      findCompatModel(models, name);
    } catch (err) {
      e = err;
    }
    assert.ok(e instanceof UnknownModelError, name);
    assert.equal(e.status, 404);
    assert.ok(e.message.startsWith(`model '${name}' not found`), e.message);
    assert.ok(e.message.includes("promptsmith/sdxl-negative"));
    assert.ok(e.message.includes("ghibli_magic"));
  }
});

Deno.test("model names are checked before lookup, in linear time", async () => {
  assert.ok(validModelName("promptsmith/sdxl:ghibli_magic"));
  assert.ok(validModelName("llama3.2"));
  for (const bad of ["", " promptsmith/flux", "a b", "x:y:z", ":latest", "a".repeat(300)]) {
    assert.equal(validModelName(bad), false, bad);
  }
  const timed = await withinBudget(
    () => validModelName(`${"a/".repeat(120)}:${"-".repeat(120)}!`),
    50,
  );
  assert.ok(timed.ok, describeTiming(timed.last));
});

Deno.test("the digest changes with the LLM and the pack, and is stable otherwise", () => {
  const models = compatModels(targets, packs);
  const a = findCompatModel(models, "promptsmith/sdxl");
  const b = findCompatModel(models, "promptsmith/sdxl:ghibli_magic");
  assert.equal(modelDigest(a, "qwen3:latest"), modelDigest(a, "qwen3:latest"));
  assert.notEqual(modelDigest(a, "qwen3:latest"), modelDigest(a, "llama3.2:latest"));
  assert.notEqual(modelDigest(a, "qwen3:latest"), modelDigest(b, "qwen3:latest"));
  assert.match(modelDigest(a, "qwen3:latest"), /^[0-9a-f]{64}$/);
});
