import { deepEqual, equal, match, throws } from "node:assert/strict";
import { PersonaBook } from "./personas.ts";

function persona(name: string, file: string) {
  return {
    name,
    icon: "*",
    category: "beginner",
    description: `${name}, a test persona`,
    features: ["asks questions"],
    best_for: "tests",
    supports_presets: false,
    supports_quick_generate: false,
    supports_streaming: true,
    prompt_file: file,
  };
}

Deno.test("reload picks up edited personas and prompts; a broken file keeps the old ones", () => {
  const files: Record<string, string> = {
    "personas.json": JSON.stringify({ guide: persona("Guide", "guide.md") }),
    "guide.md": "You guide.",
  };
  const book = new PersonaBook(() => files["personas.json"]!, (f) => files[f]!);
  equal(book.get("guide", false).system_prompt, "You guide.");

  files["personas.json"] = JSON.stringify({
    guide: persona("Guide", "guide.md"),
    sketch: persona("Sketch", "sketch.md"),
  });
  files["guide.md"] = "You guide, gently.";
  files["sketch.md"] = "You sketch.";
  book.reload();
  deepEqual(Object.keys(book.list(false)), ["guide", "sketch"]);
  equal(book.get("guide", false).system_prompt, "You guide, gently.");

  for (
    const [broken, pattern] of [
      [{ "personas.json": "{ nope" }, /personas\.json: not valid JSON/],
      [{ "personas.json": JSON.stringify({ x: { name: "X" } }) }, /personas\.json: x\.icon/],
      [{ "sketch.md": "   " }, /sketch\.md: the prompt is empty/],
    ] as [Record<string, string>, RegExp][]
  ) {
    const saved = { ...files };
    Object.assign(files, broken);
    throws(() => book.reload(), pattern);
    Object.assign(files, saved);
    deepEqual(Object.keys(book.list(false)), ["guide", "sketch"], "the last good personas stay");
    match(book.get("sketch", false).system_prompt, /You sketch/);
  }
});
