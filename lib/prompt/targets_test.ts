import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { readBundledText } from "../app/bundled.ts";
import { loadTargets, reloadSystemPrompts, systemPrompt } from "./targets.ts";

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
