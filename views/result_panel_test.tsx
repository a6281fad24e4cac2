import { match, ok } from "node:assert/strict";
import { TokenMeter } from "./result_panel.tsx";
import { renderFragment } from "./render.ts";
import { loadTargets } from "../lib/prompt/targets.ts";
import { estimateClipTokens } from "../lib/prompt/tokens.ts";

const targets = loadTargets();
const target = (id: string) => targets.find((t) => t.id === id)!;

Deno.test("TokenMeter counts without weights and shows where each CLIP chunk starts", () => {
  const text = Array.from({ length: 30 }, (_, i) => `(tag${i} word${i}:1.2)`).join(", ");
  const html = renderFragment(<TokenMeter text={text} target={target("sdxl")} />);
  match(html, new RegExp(`≈${estimateClipTokens(text)} / 75 CLIP tokens`));
  match(html, /over budget/);
  match(html, /\d CLIP chunks: 75 \+ \d+/);
  match(html, /chunk 2 starts at “/);
  const short = renderFragment(<TokenMeter text="a red fox" target={target("sd15")} />);
  match(short, /One CLIP chunk of 75/);
  ok(!short.includes("over budget"));
});

Deno.test("TokenMeter counts prose by its first encoder and warns when CLIP misses weighted words", () => {
  const text = `${"a quiet harbour town with boats and gulls, ".repeat(9)}(red lighthouse:1.3)`;
  const html = renderFragment(<TokenMeter text={text} target={target("flux")} />);
  match(html, / \/ 200 T5-XXL tokens/);
  match(html, /CLIP reads only the first 75 tokens, up to “/);
  match(html, /class="meter-warning"[^>]*>CLIP reads only the first 75 tokens \(77 with start/);
  match(
    renderFragment(<TokenMeter text="a poster" target={target("qwen_image")} />),
    / \/ 260 Qwen2.5-VL tokens/,
  );
});
