import { equal } from "node:assert/strict";
import type { GenerationResult } from "../lib/generate/generation.ts";
import { PromptPrinter, rowsOf } from "./prompt_printer.ts";

function result(over: Partial<GenerationResult> = {}): GenerationResult {
  return {
    engine: "ollama",
    result: "",
    reply_kind: "prompt",
    positive: "a red fox",
    negative: "blurry",
    notes: null,
    alternates: [],
    thinking: null,
    stats: {},
    history_id: 1,
    ...over,
  };
}

function terminal(size: { columns: number; rows: number } | null) {
  const seen = { out: "", err: "" };
  const output = {
    write: (t: string) => void (seen.out += t),
    note: (t: string) => void (seen.err += `${t}\n`),
    size: () => size,
  };
  return { seen, output };
}

Deno.test("printer: a pipe gets only the final prompt, whatever streamed", () => {
  const { seen, output } = terminal(null);
  const p = new PromptPrinter(output, true);
  p.event({ token: "a red" });
  p.event({ reset: true });
  p.event({ token: "POSITIVE: a red fox\nNEGATIVE: blurry\nHope this helps!" });
  p.event({ done: true, ...result({ notes: "Hope this helps!" }) });
  equal(seen.out, "a red fox\n\nblurry\n");
  equal(seen.err, "Note: Hope this helps!\n");
});

Deno.test("printer: a terminal shows structured values live and keeps them when they are final", () => {
  const { seen, output } = terminal({ columns: 80, rows: 24 });
  const p = new PromptPrinter(output, true);
  p.event({ token: "a red " });
  p.event({ token: "fox\n\nblurry" });
  p.event({ done: true, ...result() });
  equal(seen.out, "a red fox\n\nblurry\n");
});

Deno.test("printer: a reset erases the partial values and the text retry's tokens never show", () => {
  const { seen, output } = terminal({ columns: 80, rows: 24 });
  const p = new PromptPrinter(output, true);
  p.event({ token: "a red fox,\n\nblur" });
  p.event({ reset: true });
  p.event({ token: "POSITIVE: a red fox" });
  p.event({ done: true, ...result() });
  equal(seen.out, "a red fox,\n\nblur\r\x1b[2A\x1b[Ja red fox\n\nblurry\n");
});

Deno.test("printer: text tokens never show on a terminal; a reply without a prompt says why", () => {
  const { seen, output } = terminal({ columns: 80, rows: 24 });
  const p = new PromptPrinter(output, false);
  p.event({ token: "<think>hmm</think>" });
  p.event({
    done: true,
    ...result({
      positive: "",
      negative: null,
      reply_kind: "reasoning_only",
      message: "Only reasoning.",
    }),
  });
  equal(seen.out, "");
  equal(seen.err, "Only reasoning.\n");
});

Deno.test("printer: rows count wrapped lines", () => {
  equal(rowsOf("abc", 80), 1);
  equal(rowsOf("a".repeat(81), 80), 2);
  equal(rowsOf("a\n\nb", 80), 3);
});
