/**
 * Text shaped to make backtracking patterns and rescanning loops blow up: long runs of spaces
 * and tabs, repeated label prefixes, unclosed tags and deep brackets, each about 1 MB.
 */

/** One megabyte of text built from a repeated unit. */
export function mb(unit: string): string {
  return unit.repeat(Math.ceil((1 << 20) / unit.length)).slice(0, 1 << 20);
}

/** A megabyte of `unit` with `around` at both ends, so anchored patterns see it mid-line. */
function inside(unit: string, around: string): string {
  return around + mb(unit) + around;
}

/** Named generators of about 1 MB of hostile reply text. */
export const PATHOLOGICAL: Record<string, () => string> = {
  "spaces": () => mb(" "),
  "tabs": () => mb("\t"),
  "spaces and tabs": () => mb(" \t"),
  "2,000 leading spaces on every line": () => mb(" ".repeat(2000) + "PROMPT: a cat\n"),
  "2,000 leading spaces before a label-looking word": () => mb(" ".repeat(2000) + "Positive\n"),
  "a line of 100k spaces then text, repeated": () => mb(" ".repeat(100_000) + "PROMPT: a cat\n"),
  "160,000 spaces in the middle of a line": () =>
    mb("PROMPT: a red fox" + " ".repeat(160_000) + "x, snow\n"),
  "1 MB of spaces inside one line": () => inside(" ", "PROMPT: a cat, dog"),
  "1 MB of tabs inside one line": () => inside("\t", "a, b"),
  "spaces before a comma, repeated": () => mb(" ".repeat(5000) + ","),
  "spaces and commas": () => inside(" ,", "a"),
  "8,000 spaces then a letter, repeated": () => mb(" ".repeat(8000) + "x"),
  "8,000 spaces then a newline, repeated": () => mb(" ".repeat(8000) + "\n"),
  "8,000 closing brackets then a letter, repeated": () => mb(")".repeat(8000) + "x"),
  "8,000 dots then a letter, repeated": () => mb(".".repeat(8000) + "x"),
  "8,000 pipes after a brace, repeated": () => mb("{" + "|".repeat(8000)),
  "spaces then a newline, far apart": () => mb(" ".repeat(50_000) + "x\n"),
  "repeated label words": () => mb("positive "),
  "Positive: Positive: … on one line": () => mb("Positive: "),
  "POSITIVE: with no space": () => mb("POSITIVE:"),
  "Positive prompt: repeated": () => mb("Positive prompt: "),
  "NEGATIVE: mid-line": () => "POSITIVE: a" + mb(" NEGATIVE: b"),
  "labels with qualifiers on one line": () => mb("Negative prompt (SDXL): "),
  "label words separated by spaces": () => mb("Negative      prompt      "),
  "### headings without text": () => mb("### "),
  "unclosed <think>": () => "<think>" + mb("hmm, let me think about it. "),
  "unclosed <think> then spaces": () => "<think>" + mb(" "),
  "think tags": () => mb("<think>a</think>"),
  "orphan closing tags": () => mb("</think>"),
  "tag starts": () => mb("<th"),
  "angle brackets": () => mb("<"),
  "unclosed <lora:": () => mb("<lora:"),
  "deep round brackets": () => mb("("),
  "deep square brackets": () => mb("["),
  "deep braces": () => mb("{"),
  "closing brackets": () => mb(")"),
  "closing brackets and colons": () => mb("):"),
  "weights without brackets": () => mb(":1.2"),
  "[[ without ]]": () => mb("[["),
  "50k numbered lines": () =>
    Array.from({ length: 50_000 }, (_, i) => `${i + 1}. a fox in the snow`).join("\n").slice(
      0,
      1 << 20,
    ),
  "1 MB of tags without a newline": () => mb("red fox, snow, (dawn:1.2), "),
  "an unterminated JSON string": () => '{"positive": "' + mb("a\\u00e9 "),
  "JSON with a long key": () => '{"' + mb("k"),
  "sentences of chatter": () => mb("Let me know. "),
  "sentences ending in spaces": () => mb("A fox.      "),
  "bold markers": () => mb("**"),
  "quotes": () => mb('"'),
  "backticks": () => mb("`"),
  "carriage returns": () => mb("\r"),
  "blank lines": () => mb("\n"),
  "newlines between spaces": () => mb("  \n  "),
  "hashes": () => mb("#"),
  "quote marks at a line start": () => mb("> "),
  "list numbers without newlines": () => mb("1. "),
  "dots and exclamation marks": () => "a" + mb(".!?;,") + "b",
  "lower-case lines that wrap a note": () => "Note: a\n" + mb("wrapped words\n"),
  "Key: value lines after a prompt": () => "PROMPT: a\n" + mb("Style: b\n"),
  "note labels": () => "PROMPT: a\n" + mb("Note: I like it.\n"),
  "headings": () => mb("## Notes\n"),
  "fences": () => mb("```\n"),
  "CJK labels": () => mb("负面提示词："),
  "full-width spaces": () => inside("\u3000", "a"),
};
