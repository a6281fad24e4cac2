import { equal } from "node:assert/strict";
import { CloseTagHider, splitThinking } from "./thinking.ts";

function shown(chunks: string[]): string {
  const h = new CloseTagHider();
  return chunks.map((c) => h.push(c)).join("") + h.flush();
}

Deno.test("CloseTagHider keeps an orphan </think> out of the stream at every chunk boundary", () => {
  const reply = "Okay, plan it.\n</think>\n\nA red fox <lora:fox:0.8> in snow, a < b";
  const want = "Okay, plan it.\nA red fox <lora:fox:0.8> in snow, a < b";
  for (let cut = 0; cut <= reply.length; cut++) {
    equal(shown([reply.slice(0, cut), reply.slice(cut)]), want, `cut at ${cut}`);
  }
  equal(shown([...reply]), want, "one character at a time");
  equal(shown(["A fox </THINKING> at dusk"]), "A fox at dusk");
  equal(shown(["ends with </think>"]), "ends with ");
  equal(shown(["ends with </thi"]), "ends with </thi");
});

Deno.test("splitThinking() takes what comes before an orphan </think> as reasoning", () => {
  const r = splitThinking("Okay, plan it.\n</think>\n\nA red fox");
  equal(r.content.trim(), "A red fox");
  equal(r.thinking, "Okay, plan it.");
});
