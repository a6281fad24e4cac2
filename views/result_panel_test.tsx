import { equal, match, ok } from "node:assert/strict";
import { loadTargets } from "../lib/prompt/targets.ts";
import { renderFragment } from "./render.ts";
import { announcement, ResultBody, type ResultView } from "./result_panel.tsx";

const target = loadTargets().find((t) => t.id === "sdxl")!;
const base: ResultView = {
  positive: "a fox, snow",
  negative: "blurry",
  result: "PROMPT: a fox, snow",
  engine: "ollama",
  history_id: 3,
  target,
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
