import { equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  isSpace,
  joinLines,
  oneOf,
  tightenPunctuation,
  trimEndWhere,
  trimStartWhere,
} from "./text_scan.ts";
import { describeTiming, withinBudget } from "../../tests/support/timing.ts";

const MB = 1_000_000;

Deno.test("property: the loops give what the regular expressions they replace gave", () => {
  const text = fc.string({ unit: fc.constantFrom(" ", "\n", "\t", ".", ",", ";", "a", "(", ")") });
  fc.assert(
    fc.property(text, (t) => {
      equal(joinLines(t), t.replace(/\s*\n\s*/g, " "));
      equal(tightenPunctuation(t), t.replace(/\s+([,.])/g, "$1"));
      equal(trimEndWhere(t, oneOf(".!?;,")), t.replace(/[.!?;,]+$/, ""));
      equal(trimEndWhere(t, (c) => oneOf(".,;:")(c) || isSpace(c)), t.replace(/[.,;:\s]+$/, ""));
      equal(trimStartWhere(t, oneOf("(")), t.replace(/^\(+/, ""));
    }),
    { numRuns: 2000, seed: 18 },
  );
});

Deno.test("1 MB runs that never end the way a pattern wants are trimmed in linear time", async () => {
  for (
    const [what, work] of [
      ["spaces without a line break", () => joinLines(" ".repeat(MB) + "\nx")],
      ["spaces then no comma", () => tightenPunctuation(" ".repeat(MB) + "x")],
      ["dots then a letter", () => trimEndWhere(".".repeat(MB) + "x", oneOf(".!?;,"))],
      ["brackets then a letter", () => trimStartWhere("x" + "(".repeat(MB), oneOf("("))],
    ] as const
  ) {
    const timed = await withinBudget(work, 50);
    ok(timed.ok, `${what}: ${describeTiming(timed.last)}`);
  }
});
