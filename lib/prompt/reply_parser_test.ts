import { describeTiming, withinBudget } from "../../tests/support/timing.ts";
import { deepEqual, equal, ok } from "node:assert/strict";
import { parseReply, parseStructured } from "./reply_parser.ts";
import { type CorpusCase, REPLY_CORPUS, TARGET_OPTIONS } from "./reply_corpus.ts";

function check(c: CorpusCase): string | null {
  const got = parseReply(c.raw, { ...TARGET_OPTIONS[c.target], requireLabel: c.requireLabel });
  const want = {
    positive: c.expect.positive,
    negative: c.expect.negative,
    alternates: c.expect.alternates ?? [],
    notes: c.expect.notes === undefined ? got.notes : c.expect.notes,
    kind: c.expect.kind ?? "prompt",
    thinking: c.expect.thinking === undefined ? got.thinking : c.expect.thinking,
    labeled: c.expect.labeled ?? got.labeled,
  };
  const have = {
    positive: got.positive,
    negative: got.negative,
    alternates: got.alternates,
    notes: got.notes,
    kind: got.kind,
    thinking: got.thinking,
    labeled: got.labeled,
  };
  try {
    deepEqual(have, want);
    return null;
  } catch {
    const diff = Object.keys(want).filter((k) =>
      JSON.stringify(have[k as keyof typeof have]) !== JSON.stringify(want[k as keyof typeof want])
    ).map((k) =>
      `  ${k}:\n    got  ${JSON.stringify(have[k as keyof typeof have])}\n    want ${
        JSON.stringify(want[k as keyof typeof want])
      }`
    );
    return `${c.name}\n${diff.join("\n")}`;
  }
}

Deno.test("parseReply() gives the golden parse for every reply in the corpus", () => {
  const failures = REPLY_CORPUS.map(check).filter((f): f is string => f !== null);
  // deno-lint-ignore no-console
  console.log(
    `corpus: ${REPLY_CORPUS.length - failures.length}/${REPLY_CORPUS.length} replies parsed right`,
  );
  ok(REPLY_CORPUS.length >= 80, "the corpus holds at least 80 replies");
  equal(failures.length, 0, `\n${failures.join("\n\n")}`);
});

const TAGS = { style: "tags", negative: true } as const;
const PROSE = { style: "prose", negative: false } as const;

Deno.test("parseReply() returns every field of the documented shape", () => {
  deepEqual(parseReply("<think>plan</think>PROMPT: A fox.\nNote: dawn light.", PROSE), {
    positive: "A fox.",
    negative: null,
    alternates: [],
    notes: "dawn light.",
    labeled: true,
    kind: "prompt",
    thinking: "plan",
  });
});

Deno.test("parseReply() keeps an unlabelled reply as the prompt unless a label is required", () => {
  const raw = "A quiet harbor at dusk, boats rocking under a violet sky.";
  equal(parseReply(raw, PROSE).positive, raw);
  const persona = parseReply(raw, { ...PROSE, requireLabel: true });
  equal(persona.positive, "");
  equal(persona.kind, "question");
  equal(persona.notes, raw);
});

Deno.test("parseReply() puts nothing in the negative for a target without one", () => {
  const r = parseReply("POSITIVE: a, b\nNEGATIVE: blurry\nThis keeps it clean.", {
    style: "tags",
    negative: false,
  });
  equal(r.negative, null);
  equal(r.positive, "a, b");
  equal(r.notes, "This keeps it clean.");
});

Deno.test("parseReply() keeps at most 20 alternates", () => {
  const raw = Array.from({ length: 30 }, (_, i) => `${i + 1}. a red fox in the snow, take ${i}`)
    .join("\n");
  const r = parseReply(raw, PROSE);
  equal(r.positive, "a red fox in the snow, take 0");
  equal(r.alternates.length, 20);
});

Deno.test("parseStructured() reads a JSON reply without options", () => {
  deepEqual(parseStructured('{"prompt": "A fox.", "negative_prompt": "blurry"}'), {
    positive: "A fox.",
    negative: "blurry",
    alternates: [],
    notes: null,
    labeled: true,
    kind: "prompt",
    thinking: null,
  });
});

Deno.test("parseStructured() returns null for text that is not a usable JSON object", () => {
  equal(parseStructured("PROMPT: a {red|blue} car"), null);
  equal(parseStructured("{red|blue} car, neon"), null);
  equal(parseStructured('Settings:\n{"steps": 30}\nPROMPT: a car'), null);
  equal(parseStructured('["a", "b"]'), null);
  equal(parseStructured("just words"), null);
});

Deno.test("parseStructured() tolerates a cut-off JSON reply for the prompt fields", () => {
  const r = parseStructured('{"positive": "a red fox, \\"snow\\"", "negative": "blu', TAGS);
  equal(r?.positive, 'a red fox, "snow"');
  equal(r?.negative, "blu");
});

/** One megabyte of text built from a repeated unit. */
function mb(unit: string): string {
  return unit.repeat(Math.ceil((1 << 20) / unit.length)).slice(0, 1 << 20);
}

const PATHOLOGICAL: Record<string, () => string> = {
  "spaces": () => mb(" "),
  "tabs": () => mb("\t"),
  "a line of 100k spaces then text, repeated": () => mb(" ".repeat(100_000) + "PROMPT: a cat\n"),
  "1 MB of spaces inside one line": () => "PROMPT: a" + " ".repeat(1 << 20) + "cat, dog",
  "repeated label words": () => mb("positive "),
  "POSITIVE: with no space, 116k times": () => mb("POSITIVE:"),
  "POSITIVE: with a space, 100k times": () => mb("POSITIVE: "),
  "NEGATIVE: mid-line, 100k times": () => "POSITIVE: a" + mb(" NEGATIVE: b"),
  "labels with qualifiers on one line": () => mb("Negative prompt (SDXL): "),
  "unclosed <think>": () => "<think>" + mb("hmm, let me think about it. "),
  "think tags": () => mb("<think>a</think>"),
  "angle brackets": () => mb("<t"),
  "deep brackets": () => mb("("),
  "closing brackets and colons": () => mb("):"),
  "50k numbered lines": () =>
    Array.from({ length: 50_000 }, (_, i) => `${i + 1}. a fox in the snow`).join("\n").slice(
      0,
      1 << 20,
    ),
  "1 MB without a newline": () => mb("red fox, snow, (dawn:1.2), "),
  "open braces": () => mb("{"),
  "an unterminated JSON string": () => '{"positive": "' + mb("a\\u00e9 "),
  "sentences of chatter": () => mb("Let me know. "),
  "bold markers": () => mb("**"),
  "quotes": () => mb('"'),
  "carriage returns": () => mb("\r"),
  "blank lines": () => mb("\n"),
  "hashes": () => mb("#"),
  "quote marks at a line start": () => mb("> "),
  "list numbers without newlines": () => mb("1. "),
  "lower-case lines that wrap a note": () => "Note: a\n" + mb("wrapped words\n"),
  "Key: value lines after a prompt": () => "PROMPT: a\n" + mb("Style: b\n"),
  "note labels": () => "PROMPT: a\n" + mb("Note: I like it.\n"),
  "headings": () => mb("## Notes\n"),
  "fences": () => mb("```\n"),
};

Deno.test("parseReply() parses 1 MB of each pathological input in under 50 ms", async () => {
  const slow: string[] = [];
  for (const [name, make] of Object.entries(PATHOLOGICAL)) {
    const text = make();
    for (const style of ["tags", "prose"] as const) {
      const timed = await withinBudget(() => parseReply(text, { style, negative: true }), 50);
      if (!timed.ok) slow.push(`${name} (${style}): ${describeTiming(timed.last)}`);
    }
  }
  deepEqual(slow, []);
});

Deno.test("parseStructured() takes a label the model wrote inside a JSON value off", () => {
  const r = parseStructured(
    '{"positive": "PROMPT: a red fox, snow", "negative": "Negative: blurry"}',
    TAGS,
  );
  equal(r?.positive, "a red fox, snow");
  equal(r?.negative, "blurry");
  equal(parseStructured('{"positive": "Style: ink, a fox"}', TAGS)?.positive, "Style: ink, a fox");
});
