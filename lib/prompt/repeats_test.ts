import { deepEqual } from "node:assert/strict";
import { withoutRepeats } from "./repeats.ts";

Deno.test("withoutRepeats() removes words said before, inside a phrase too", () => {
  deepEqual(
    withoutRepeats([
      { text: "high fantasy fantasy art" },
      { text: "painterly epic fantasy" },
      { text: "muted sepia watercolour" },
      { text: "watercolour painting" },
    ]),
    ["high fantasy art", "painterly epic", "muted sepia watercolour", "painting"],
  );
});

Deno.test("withoutRepeats() drops a phrase that lost most of its words, and never touches fixed ones", () => {
  deepEqual(
    withoutRepeats([
      { text: "hand-painted background" },
      { text: "hand-painted background art" },
      { text: "dramatic sky" },
      { text: "dramatic" },
      { text: "a dramatic dramatic idea", fixed: true },
    ]),
    ["hand-painted background", null, "dramatic sky", null, "a dramatic dramatic idea"],
  );
  deepEqual(
    withoutRepeats([{ text: "best quality", fixed: true, ignore: true }, { text: "high quality" }]),
    ["best quality", "high quality"],
  );
});

Deno.test("withoutRepeats() keeps small words and trims the ones left dangling", () => {
  deepEqual(
    withoutRepeats([{ text: "golden light" }, { text: "in the style of Rackham" }, {
      text: "light of dawn",
    }]),
    ["golden light", "in the style of Rackham", "dawn"],
  );
});
