import { deepEqual, equal, ok } from "node:assert/strict";
import { cpuUsage } from "node:process";
import { parseEmphasis, stripEmphasis } from "./emphasis.ts";

Deno.test("weights and brackets go, the words stay (A1111's own examples)", () => {
  equal(stripEmphasis("normal text"), "normal text");
  equal(stripEmphasis("an (important) word"), "an important word");
  equal(stripEmphasis("(unbalanced"), "unbalanced");
  equal(stripEmphasis("(unnecessary)(parens)"), "unnecessaryparens");
  equal(
    stripEmphasis("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky)))."),
    "a house on a hill, sun, sky.",
  );
});

Deno.test("a weight with spaces around it is still a weight, as in ComfyUI", () => {
  equal(stripEmphasis("(smile: 1.2), (eyes:1.1 )"), "smile, eyes");
  equal(stripEmphasis("(-1girl:-0.5)"), "-1girl");
});

Deno.test("a colon that is not a weight stays in the text", () => {
  equal(stripEmphasis("(style: impressionism)"), "style: impressionism");
  equal(stripEmphasis("Today's Special: Lemon Tart"), "Today's Special: Lemon Tart");
});

Deno.test("escaped brackets are literal characters and an unmatched closer is text", () => {
  equal(stripEmphasis("\\(literal\\]"), "(literal]");
  equal(stripEmphasis("a \\\\ b"), "a \\ b");
  equal(stripEmphasis("smile) ]"), "smile) ]");
});

Deno.test("scheduling and alternation keep the longest text the model will see", () => {
  equal(stripEmphasis("a [b:3]"), "a b");
  equal(stripEmphasis("a [dog:a tall cat:0.5] sits"), "a a tall cat sits");
  equal(stripEmphasis("[fog::0.4]"), "fog");
  equal(stripEmphasis("[summer|late autumn]"), "late autumn");
  equal(stripEmphasis("a[b:[c:d:2]:1]e"), "abe");
  equal(stripEmphasis("[a:b] c"), "a:b c", "no number: de-emphasis with a literal colon");
  equal(stripEmphasis("a [unbalanced"), "a unbalanced");
});

Deno.test("LoRA, LyCORIS and other extra-network tags are removed", () => {
  equal(stripEmphasis("<lora:add_detail:0.6>, 1girl <lyco:style:1>"), ", 1girl ");
  equal(stripEmphasis("<hypernet:x:0.5>cat"), "cat");
  equal(stripEmphasis("a <3 b > c"), "a <3 b > c", "not a tag");
  equal(stripEmphasis("<lora:>"), "<lora:>");
});

Deno.test("embedding:name is removed and listed, not counted", () => {
  const p = parseEmphasis("embedding:EasyNegative, blurry, (embedding:bad_hands:1.2)");
  equal(p.text, ", blurry, ");
  deepEqual(p.embeddings, ["EasyNegative", "bad_hands"]);
  equal(stripEmphasis("myembedding:x"), "myembedding:x", "only at the start of a word");
});

Deno.test("BREAK is removed and marks where a new chunk starts", () => {
  const p = parseEmphasis("red dress BREAK blue sky");
  equal(p.text, "red dress  blue sky");
  deepEqual(p.breaks, [10]);
  equal(stripEmphasis("BREAKFAST"), "BREAKFAST");
});

Deno.test("the kept spans spell the stripped text from the original", () => {
  const source = "masterpiece, (blue eyes:1.2), <lora:x:1> \\(retro\\)";
  const p = parseEmphasis(source);
  equal(p.spans.map((s) => source.slice(s.start, s.end)).join(""), p.text);
});

Deno.test("weighted-up phrases are reported as emphasized ranges of the original", () => {
  const source = "cat, (red hat:1.3), [dim], (tiny:0.5), ((sky))";
  const p = parseEmphasis(source);
  deepEqual(p.emphasized.map((s) => source.slice(s.start, s.end)), ["red hat", "sky", "sky"]);
});

Deno.test("deep nesting and hostile input stay linear", () => {
  const deep = "(".repeat(5000) + "x" + ")".repeat(5000);
  equal(stripEmphasis(deep).replace(/[()]/g, ""), "x");
  const hostile = "<a:".repeat(5000) + "[a:".repeat(5000) + "(a:1)".repeat(2000) +
    "embedding:".repeat(1000);
  const before = cpuUsage();
  stripEmphasis(hostile);
  const spent = cpuUsage(before);
  ok(spent.user + spent.system < 1_000_000, "under a CPU second for 50k characters");
});
