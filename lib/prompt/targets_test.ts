import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import {
  loadTargets,
  lookupTarget,
  reloadSystemPrompts,
  systemPrompt,
  type Target,
} from "./targets.ts";
import { estimateClipTokens } from "./tokens.ts";
import { budgetTokens, countForTarget } from "./target_tokens.ts";
import { readBundledText } from "../app/bundled.ts";

const targets = loadTargets();
const target = (id: string) => targets.find((t) => t.id === id)!;
const prompts = (t: Target) => [systemPrompt(t, "oneshot"), systemPrompt(t, "chat")];

Deno.test("the targets people use now are all there, with their old ids still working", () => {
  for (
    const id of [
      "flux",
      "flux_schnell",
      "sdxl",
      "sdxl_lightning",
      "pony",
      "illustrious",
      "sd15",
      "sd35",
      "chroma",
      "qwen_image",
      "hidream",
      "wan",
    ]
  ) {
    ok(target(id), id);
  }
  equal(lookupTarget(targets, "pony")!.name, "Pony Diffusion V6");
  equal(lookupTarget(targets, "sd3")!.id, "sd35");
  equal(lookupTarget(targets, "NoobAI")!.id, "illustrious");
  equal(lookupTarget(targets, "turbo")!.id, "sdxl_lightning");
  equal(lookupTarget(targets, "dalle"), undefined);
});

Deno.test("every system prompt states each rule once: one word budget, one weight range", () => {
  for (const t of targets) {
    for (const p of prompts(t)) {
      const budgets = new Set([...p.matchAll(/about (\d+) words/g)].map((m) => m[1]));
      deepEqual([...budgets], [String(t.word_budget)], `${t.id}: ${[...budgets]}`);
      const ranges = new Set([...p.matchAll(/between (\d\.\d) and (\d\.\d)/g)].map((m) => m[0]));
      if (t.weights) {
        deepEqual([...ranges], [`between ${t.weights.min} and ${t.weights.max}`], t.id);
        ok(!/never above/.test(p), `${t.id}: a second weight rule`);
        for (const [, w] of p.matchAll(/\(tag:(\d\.\d)\)/g)) {
          ok(Number(w) >= t.weights.min && Number(w) <= t.weights.max, `${t.id}: (tag:${w})`);
        }
      } else {
        equal(ranges.size, 0, `${t.id} takes no weights`);
        match(p, /never from \(word:1\.2\) weights|No quality words/, t.id);
      }
      if (t.style === "tags") {
        equal([...p.matchAll(/CLIP tokens/g)].length, 1, `${t.id}: one CLIP budget`);
        match(p, new RegExp(`within ${t.token_budget} CLIP tokens`));
      }
    }
  }
});

Deno.test("SD 1.5 has one budget: one 75-token chunk", () => {
  const p = systemPrompt(target("sd15"), "oneshot");
  match(p, /Stay within 75 CLIP tokens \(one chunk of 75\), about 45 words/);
  ok(!/40 to 60/.test(p));
});

Deno.test("every system prompt carries its worked example, the idea-wins rule and the language rule", () => {
  for (const t of targets) {
    for (const p of prompts(t)) {
      ok(p.includes(t.example.positive), `${t.id}: example`);
      match(p, /fix(es)? the subject, the action and the setting/, t.id);
      match(p, /in English whatever language/, t.id);
      if (t.negative) {
        ok(p.includes(`NEGATIVE: ${t.example.negative}`), t.id);
        match(p, /Nothing the positive asks for may appear in the negative/, t.id);
      } else {
        ok(!p.includes("NEGATIVE:"), `${t.id} writes no negative`);
        match(p, /Write no negative prompt\./, t.id);
      }
    }
  }
});

Deno.test("each target's example obeys its own rules", () => {
  for (const t of targets) {
    const { positive } = t.example;
    const tokens = budgetTokens(countForTarget(positive, t));
    ok(tokens <= t.token_budget, `${t.id}: example is ${tokens} tokens`);
    if (t.style === "tags") {
      ok(positive.startsWith(t.quality_tags.join(", ")), `${t.id}: quality tags first`);
      equal(estimateClipTokens(positive), tokens);
    } else if (t.quality_tags.length) {
      ok(positive.endsWith(`${t.quality_tags.join(", ")}.`), `${t.id}: quality tags last`);
    } else {
      ok(!/masterpiece|best quality|\(\w+:\d/.test(positive), t.id);
    }
  }
  const pony = target("pony").example.positive;
  match(pony, /source_anime, rating_safe/);
  ok(!/style of|artist/.test(pony));
  ok(!target("illustrious").example.positive.includes("score_"));
});

Deno.test("Pony and Illustrious are apart: score tags for one, Danbooru quality and artist tags for the other", () => {
  const pony = systemPrompt(target("pony"), "oneshot");
  match(pony, /quality tags, exactly: score_9, score_8_up, score_7_up/);
  match(pony, /source_anime, source_cartoon, source_furry or source_pony/);
  match(pony, /rating_safe, rating_questionable or rating_explicit/);
  match(pony, /Artist names do nothing/);
  const ill = systemPrompt(target("illustrious"), "oneshot");
  match(
    ill,
    /quality tags, exactly: masterpiece, best quality, amazing quality, very aesthetic, absurdres/,
  );
  match(ill, /No score tags/);
  match(ill, /Danbooru tag/);
});

Deno.test("the negative policy is said with its reason: none at CFG 1, weak on SD 3.5, real on Chroma", () => {
  match(systemPrompt(target("sdxl_lightning"), "oneshot"), /Write no negative prompt\. .*CFG 1/);
  match(systemPrompt(target("flux"), "oneshot"), /Write no negative prompt\. .*CFG 1/);
  match(systemPrompt(target("sd35"), "oneshot"), /3 to 6 general faults/);
  match(systemPrompt(target("chroma"), "oneshot"), /real CFG/);
  deepEqual(
    targets.filter((t) => !t.negative).map((t) => t.id),
    ["flux", "flux_schnell", "sdxl_lightning"],
  );
});

Deno.test("Qwen-Image and HiDream put text to be drawn in quotes; WAN writes a clip", () => {
  for (const id of ["qwen_image", "hidream"]) {
    match(systemPrompt(target(id), "oneshot"), /Text to be drawn goes in double quotes/);
  }
  const wan = systemPrompt(target("wan"), "oneshot");
  match(wan, /short video shot/);
  match(wan, /camera movement/);
  match(wan, /about 5 seconds/);
  match(wan, /motion/);
});

Deno.test("a bad targets.json is refused with the field that is wrong", () => {
  const data = JSON.parse(readBundledText("presets/targets.json"));
  const edit = (fn: (t: Record<string, unknown>) => void) => {
    const copy = structuredClone(data);
    fn(copy.targets[3]);
    return JSON.stringify(copy);
  };
  throws(
    () => loadTargets(edit((t) => t.token_budget = 60)),
    /targets\.3\.token_budget: must be 75/,
  );
  throws(() => loadTargets(edit((t) => t.aliases = ["pony"])), /"pony" names two targets/);
  throws(
    () => loadTargets(edit((t) => t.encoders = [{ id: "bert" }])),
    /Unknown text encoder "bert"/,
  );
  throws(
    () => loadTargets(edit((t) => t.negative_policy = "none")),
    /default_negative: a target without a negative prompt has none/,
  );
});

Deno.test("reloading system prompts puts edited templates and targets in use, or keeps the old", () => {
  const targets = loadTargets();
  const flux = () => targets.find((t) => t.id === "flux")!;
  const before = systemPrompt(flux(), "oneshot");
  const edits: Record<string, string> = {};
  const read = (path: string) => edits[path] ?? readBundledText(path);
  try {
    edits["presets/prompts/prose_oneshot.md"] = "Write for {{target_name}}. Reloaded.";
    const names = reloadSystemPrompts(targets, read);
    ok(names.includes("flux") && names.includes("sdxl_chat"), names.join(", "));
    equal(names.indexOf("flux_chat") > names.indexOf("sdxl"), true, "one-shot names first");
    equal(systemPrompt(flux(), "oneshot"), `Write for ${flux().name}. Reloaded.`);

    const file = JSON.parse(readBundledText("presets/targets.json"));
    file.targets = file.targets.filter((t: { id: string }) => t.id !== "sd15");
    edits["presets/targets.json"] = JSON.stringify(file);
    reloadSystemPrompts(targets, read);
    ok(!targets.some((t) => t.id === "sd15"), "the list the app holds changed in place");

    const kept = targets.map((t) => t.id);
    for (
      const [path, text, pattern] of [
        ["presets/targets.json", "{ nope", /Error: presets\/targets\.json: /],
        ["presets/targets.json", '{"targets": []}', /Error: presets\/targets\.json: targets/],
        ["presets/prompts/tags_chat.md", "  \n", /tags_chat\.md: the prompt is empty/],
      ] as [string, string, RegExp][]
    ) {
      const saved = { ...edits };
      edits[path] = text;
      throws(() => reloadSystemPrompts(targets, read), pattern);
      Object.keys(edits).forEach((k) => delete edits[k]);
      Object.assign(edits, saved);
      deepEqual(targets.map((t) => t.id), kept, "targets unchanged after a failed reload");
      match(systemPrompt(flux(), "oneshot"), /Reloaded\.$/);
    }
  } finally {
    reloadSystemPrompts(targets);
  }
  equal(systemPrompt(flux(), "oneshot"), before);
});
