import { stripThink } from "../llm/think_filter.ts";

/** A finished LLM reply split into the parts an image model takes. */
export interface ParsedPrompt {
  positive: string;
  negative: string | null;
  /** A remark the model added after the prompt (chat mode), if any. */
  note: string | null;
  /** Whether the reply marked its prompt with a label such as `PROMPT:`. */
  labeled: boolean;
}

type Section = "positive" | "negative" | "note";

const LABEL =
  /^\s*(?:[#>*_\-\s]|\d+\.)*\s*(positive(?:\s+prompt)?|prompt|photographic\s+prompt|final\s+prompt|negative(?:\s+prompt)?|note|notes)\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*)?\s*(.*)$/i;
const PREAMBLE =
  /^(?:sure|certainly|of course|okay|ok|absolutely|here(?:'s| is| are)|below is|this is)\b.*[:.!]?\s*$/i;
const TRAILER = /^\s*(?:⚠️|token count|\(?\s*~?\d+\s*(?:\/\s*\d+\s*)?tokens?\)?|word count)/i;

function sectionOf(label: string): Section {
  const l = label.toLowerCase();
  if (l.startsWith("negative")) return "negative";
  if (l.startsWith("note")) return "note";
  return "positive";
}

function clean(text: string, style: "prose" | "tags"): string {
  let t = text.trim()
    .replace(/^[`"'“”]+|[`"'“”]+$/g, "")
    // Bold markers go; underscores stay, since wildcard and LoRA names use them.
    .replace(/\*\*/g, "")
    .trim();
  if (style === "tags") {
    t = t.split(/\n+/).map((l) => l.replace(/^\s*[-*•]\s*/, "").trim()).filter(Boolean).join(", ")
      .replace(/\s*,\s*(,\s*)+/g, ", ")
      .replace(/\s+/g, " ")
      .replace(/[.;]\s*$/, "")
      .replace(/^,\s*|,\s*$/g, "");
  } else {
    t = t.replace(/\s*\n+\s*/g, " ").replace(/\s{2,}/g, " ");
  }
  return t.trim();
}

/**
 * Splits an LLM reply into positive and negative prompts, tolerating reasoning blocks, code
 * fences, markdown emphasis, chatty preambles and the usual `PROMPT:`/`NEGATIVE:` label variants.
 */
export function parseReply(
  raw: string,
  options: { style: "prose" | "tags"; negative: boolean },
): ParsedPrompt {
  const text = stripThink(raw).replace(/\r\n?/g, "\n");
  const lines = text.split("\n").filter((l) => !/^\s*```/.test(l));
  const parts: Record<Section, string[]> = { positive: [], negative: [], note: [] };
  const unlabeled: string[] = [];
  let current: Section | null = null;
  let sawLabel = false;

  for (const line of lines) {
    const m = line.match(LABEL);
    if (m) {
      current = sectionOf(m[1]!);
      sawLabel = true;
      if (m[2]!.trim()) parts[current].push(m[2]!);
      continue;
    }
    if (TRAILER.test(line)) {
      current = null;
      continue;
    }
    if (current) {
      // A blank line after a prose prompt ends it; tags may wrap over several lines.
      if (!line.trim()) {
        if (parts[current].length && current !== "negative") current = null;
        continue;
      }
      parts[current].push(line);
    } else if (!sawLabel) {
      unlabeled.push(line);
    }
  }

  let positiveText = parts.positive.join("\n");
  if (!positiveText.trim()) {
    const body = unlabeled.filter((l) => l.trim());
    while (body.length > 1 && PREAMBLE.test(body[0]!.trim())) body.shift();
    positiveText = body.join("\n");
  }
  const negative = options.negative ? clean(parts.negative.join("\n"), "tags") || null : null;
  const note = clean(parts.note.join("\n"), "prose") || null;
  return { positive: clean(positiveText, options.style), negative, note, labeled: sawLabel };
}
