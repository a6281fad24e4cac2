import { deepEqual, equal, ok } from "node:assert/strict";
import {
  cleanPrompt,
  isChatter,
  joinNotes,
  splitTopLevel,
  splitTrailingChatter,
  stripTokenCount,
  stripWrapping,
} from "./reply_text.ts";
import { splitThinking } from "./thinking.ts";
import { describeTiming, withinBudget } from "../../tests/support/timing.ts";
import { inlineLabels } from "./reply_labels.ts";

function mb(unit: string): string {
  return unit.repeat(Math.ceil((1 << 20) / unit.length)).slice(0, 1 << 20);
}

Deno.test("cleanPrompt() keeps weights, LoRA tags and wildcards exactly and drops a final period", () => {
  equal(
    cleanPrompt(["<lora:a_b:0.8>, __style__, (red scarf, snow:1.1), ((eyes)), [bg]."], "tags"),
    "<lora:a_b:0.8>, __style__, (red scarf, snow:1.1), ((eyes)), [bg]",
  );
});

Deno.test("cleanPrompt() joins wrapped prose lines into one paragraph", () => {
  equal(cleanPrompt(["A fox in the", "  snow at dawn."], "prose"), "A fox in the snow at dawn.");
});

Deno.test("splitTopLevel() splits only at commas outside brackets", () => {
  deepEqual(splitTopLevel("a, (b, c:1.2), <lora:x:1>, d"), [
    "a",
    " (b, c:1.2)",
    " <lora:x:1>",
    " d",
  ]);
});

Deno.test("splitTrailingChatter() cuts remarks off the end, in order", () => {
  deepEqual(splitTrailingChatter("A fox. Let me know! Hope this helps."), {
    text: "A fox.",
    trailers: ["Let me know!", "Hope this helps."],
  });
});

Deno.test("stripTokenCount() removes a bracketed count only", () => {
  equal(stripTokenCount("a, b (~70 tokens)"), "a, b");
  equal(stripTokenCount("a, (b:1.2)"), "a, (b:1.2)");
});

Deno.test("stripWrapping() keeps a LoRA tag and inner quotes", () => {
  equal(stripWrapping("<lora:x:0.8>"), "<lora:x:0.8>");
  equal(stripWrapping('"a "b" c"'), '"a "b" c"');
  equal(stripWrapping("“a fox”"), "a fox");
});

Deno.test("isChatter() ignores person words inside quotes", () => {
  ok(!isChatter('A sign reading "See you soon" above a door.'));
  ok(isChatter("I hope you like it."));
});

Deno.test("joinNotes() joins a wrapped line to the one before", () => {
  equal(
    joinNotes(["85mm at f/8, strip softbox", "behind the subject.", "Next line."]),
    "85mm at f/8, strip softbox behind the subject.\nNext line.",
  );
});

// The parser reads at most 32 KiB, which would hide a quadratic helper: these run uncapped on
// 1 MB. Linear code takes a few tens of ms; a quadratic one takes minutes.
Deno.test("the text helpers stay linear on 1 MB inputs", async () => {
  const lines = mb("wrapped words\n").split("\n");
  const checks: Record<string, () => unknown> = {
    joinNotes: () => joinNotes(lines),
    splitTrailingChatter: () => splitTrailingChatter(mb("Let me know. ")),
    "cleanPrompt tags": () => cleanPrompt([mb("red fox, (snow:1.2), ")], "tags"),
    "cleanPrompt prose": () => cleanPrompt([mb("a  b\n")], "prose"),
    splitThinking: () => splitThinking(mb("<think>a</think>b<t")),
    inlineLabels: () => inlineLabels(mb("x NEGATIVE: y ")),
    stripWrapping: () => stripWrapping('"' + mb("a") + '"'),
  };
  const slow: string[] = [];
  for (const [name, f] of Object.entries(checks)) {
    const timed = await withinBudget(f, 1000, 3);
    if (!timed.ok) slow.push(`${name}: ${describeTiming(timed.last)}`);
  }
  deepEqual(slow, []);
});
