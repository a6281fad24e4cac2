import { equal, match, ok } from "node:assert/strict";
import { loadTargets } from "../lib/prompt/targets.ts";
import { estimateClipTokens } from "../lib/prompt/tokens.ts";
import { renderFragment } from "./render.ts";
import { announcement, ResultBody, type ResultView, TokenMeter } from "./result_panel.tsx";

const targets = loadTargets();
const targetOf = (id: string) => targets.find((t) => t.id === id)!;

const base: ResultView = {
  positive: "a fox, snow",
  negative: "blurry",
  result: "PROMPT: a fox, snow",
  engine: "ollama",
  history_id: 3,
  target: targetOf("sdxl"),
};

Deno.test("the model's other versions get a box and a Copy each; its notes are folded away", () => {
  const html = renderFragment(
    <ResultBody
      result={{ ...base, alternates: ["a fox, dusk", "a <fox> & hare"], notes: "Try 30 steps." }}
    />,
  );
  match(html, /<label for="alternate-1">Version 2<\/label>/);
  match(html, /data-copy="#alternate-2"/);
  match(html, /<textarea id="alternate-2"[^>]*>a &lt;fox> &amp; hare<\/textarea>/);
  match(
    html,
    /<details class="thinking notes"><summary>Notes from the model<\/summary><p>Try 30 steps\.<\/p>/,
  );
  const plain = renderFragment(<ResultBody result={base} />);
  ok(!plain.includes("alternate-"), "nothing when there are none");
  ok(!plain.includes("Notes from the model"));
});

Deno.test("a stopped result is the reply so far, not an error, and is announced as stopped", () => {
  const html = renderFragment(<ResultBody result={{ ...base, stopped: true, result: "a fo" }} />);
  match(html, /<span class="badge warn">Stopped<\/span>/);
  match(html, /<textarea id="positive"[^>]*>a fo<\/textarea>/);
  ok(!html.includes('role="alert"'));
  equal(
    announcement({ ...base, stopped: true }),
    "Stopped. The reply so far is kept in the result.",
  );
  equal(announcement(base), "Prompt ready: a fox, snow");
});

Deno.test("TokenMeter counts without weights and shows where each CLIP chunk starts", () => {
  const text = Array.from({ length: 30 }, (_, i) => `(tag${i} word${i}:1.2)`).join(", ");
  const html = renderFragment(<TokenMeter text={text} target={targetOf("sdxl")} />);
  match(html, new RegExp(`≈${estimateClipTokens(text)} / 75 CLIP tokens`));
  match(html, /over budget/);
  match(html, /\d CLIP chunks: 75 \+ \d+/);
  match(html, /chunk 2 starts at “/);
  const short = renderFragment(<TokenMeter text="a red fox" target={targetOf("sd15")} />);
  match(short, /One CLIP chunk of 75/);
  ok(!short.includes("over budget"));
});

Deno.test("TokenMeter counts prose by its first encoder and warns when CLIP misses weighted words", () => {
  const text = `${"a quiet harbour town with boats and gulls, ".repeat(9)}(red lighthouse:1.3)`;
  const html = renderFragment(<TokenMeter text={text} target={targetOf("flux")} />);
  match(html, / \/ 200 T5-XXL tokens/);
  match(html, /CLIP reads only the first 75 tokens, up to “/);
  match(html, /class="meter-warning"[^>]*>CLIP reads only the first 75 tokens \(77 with start/);
  match(
    renderFragment(<TokenMeter text="a poster" target={targetOf("qwen_image")} />),
    / \/ 260 Qwen2.5-VL tokens/,
  );
});
