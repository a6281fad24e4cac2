import { ok } from "node:assert/strict";
import { loadClipBpe } from "./support/clip_bpe.ts";
import { TOKEN_CORPUS } from "./fixtures/token_corpus.ts";
import { estimateClipTokens, stripEmphasis } from "../lib/prompt/tokens.ts";

/** The bar: mean absolute percentage error against the real CLIP BPE count. */
const MAX_MEAN_ERROR = 0.05;

interface Row {
  kind: string;
  text: string;
  real: number;
  raw: number;
  estimate: number;
  error: number;
}

function measure(): Row[] {
  const bpe = loadClipBpe();
  return TOKEN_CORPUS.map(({ kind, text }) => {
    const real = bpe.count(stripEmphasis(text));
    const estimate = estimateClipTokens(text);
    return { kind, text, real, raw: bpe.count(text), estimate, error: (estimate - real) / real };
  });
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function isWeighted(text: string): boolean {
  return /[()[\]]|<\w+:|embedding:|BREAK/.test(text);
}

const rows = measure();

Deno.test("the corpus covers what people write", () => {
  ok(rows.length >= 100, `${rows.length} prompts`);
  for (const kind of ["sd15", "sdxl", "pony", "flux", "es", "de", "fr", "ja", "zh", "emoji"]) {
    ok(rows.some((r) => r.kind === kind), kind);
  }
  ok(rows.filter((r) => r.real > 150).length >= 5, "long prompts over 150 tokens");
  ok(rows.filter((r) => r.real < 10).length >= 5, "short prompts");
  ok(rows.filter((r) => isWeighted(r.text)).length >= 30, "weighted prompts");
});

Deno.test("the CLIP estimate is within 5% of the real tokenizer on average", () => {
  const mae = mean(rows.map((r) => Math.abs(r.error)));
  const worst = [...rows].sort((a, b) => Math.abs(b.error) - Math.abs(a.error)).slice(0, 5);
  const kinds = [...new Set(rows.map((r) => r.kind))].map((kind) => {
    const of = rows.filter((r) => r.kind === kind);
    return `${kind} ${percent(mean(of.map((r) => Math.abs(r.error))))}`;
  });
  // deno-lint-ignore no-console
  console.log(
    [
      `CLIP estimate over ${rows.length} prompts: mean absolute error ${percent(mae)}`,
      `by kind: ${kinds.join(", ")}`,
      "worst five (estimate / real, stripped):",
      ...worst.map((r) =>
        `  ${percent(r.error).padStart(6)}  ${r.estimate} / ${r.real}  [${r.kind}] ${
          r.text.slice(0, 70)
        }`
      ),
    ].join("\n"),
  );
  ok(mae <= MAX_MEAN_ERROR, `mean absolute error ${percent(mae)} is over 5%`);
});

Deno.test("weighted prompts are estimated against the stripped text, not the syntax", () => {
  const weighted = rows.filter((r) => isWeighted(r.text));
  const mae = mean(weighted.map((r) => Math.abs(r.error)));
  // What counting the syntax costs: the 13–47% overcount.
  const syntax = mean(weighted.map((r) => (r.raw - r.real) / r.real));
  // deno-lint-ignore no-console
  console.log(
    `weighted prompts (${weighted.length}): mean absolute error ${percent(mae)}; ` +
      `counting the syntax too would add ${percent(syntax)} on average`,
  );
  ok(mae <= MAX_MEAN_ERROR, `weighted prompts: ${percent(mae)}`);
  ok(syntax > 0.1, "the weighted prompts carry real syntax");
});
