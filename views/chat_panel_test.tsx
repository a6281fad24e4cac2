import { match, ok } from "node:assert/strict";
import { loadTargets } from "../lib/prompt/targets.ts";
import { renderFragment } from "./render.ts";
import { ChatPanel, REFINER } from "./chat_panel.tsx";

const sdxl = loadTargets().find((t) => t.id === "sdxl")!;

Deno.test("a persona reply's alternates get a Copy each and its notes fold away, never in the negative", () => {
  const reply = [
    "PROMPT: red fox, snow, dawn",
    "NEGATIVE: blurry, lowres",
    "ALTERNATE A: red fox, night, moonlight",
    "ALTERNATE B: red fox, autumn fog",
    "NOTES: Keep the light low.",
  ].join("\n");
  const html = renderFragment(
    <ChatPanel
      messages={[{ role: "user", content: "a fox" }, { role: "assistant", content: reply }]}
      target={sdxl}
      speaker={REFINER}
      persona
    />,
  );
  match(html, /<p class="prompt-text">red fox, snow, dawn<\/p>/);
  match(html, /<span class="label">Negative:<\/span> blurry, lowres<\/p>/);
  match(html, /<textarea id="msg-1-alt-1" hidden>red fox, night, moonlight<\/textarea>/);
  match(html, /data-copy="#msg-1-alt-2"/);
  match(
    html,
    /<details class="thinking notes"><summary>Notes from the model<\/summary><p>Keep the light low\.<\/p>/,
  );
  ok(!/negative">[^<]*<span[^>]*>[^<]*<\/span>[^<]*(ALTERNATE|moonlight|Keep)/.test(html));
});
