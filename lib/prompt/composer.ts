import type { Target } from "./targets.ts";
import type { PresetLine, PresetSlot, ResolvedPresets } from "./assembly.ts";
import { pick, seededRandom, seedFromText } from "./random.ts";
import { expandWildcards } from "./wildcards.ts";
import { mergeNegatives, splitTags } from "./negatives.ts";
import { estimateClipTokens, estimateT5Tokens } from "./tokens.ts";

/** What the composer needs: the idea, the target, the resolved presets and an optional seed. */
export interface ComposeInput {
  idea: string;
  target: Target;
  presets: ResolvedPresets;
  seed?: number;
  wildcards?: Record<string, string[]>;
}

/** A composed prompt and the numbers behind it. */
export interface ComposeResult {
  positive: string;
  negative: string | null;
  /** The seed actually used (derived from the inputs when none was given). */
  seed: number;
  tokens: number;
  /** The idea after wildcard expansion. */
  idea: string;
}

function phrasesOf(lines: PresetLine[], slot: PresetSlot, asTags = false): string[] {
  return lines.filter((l) => l.slot === slot)
    .map((l) => ((asTags ? l.tags : undefined) ?? l.phrase ?? l.text).trim())
    .filter(Boolean);
}

function withArticle(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) ? "an" : "a"} ${phrase}`;
}

function cleanIdea(idea: string): string {
  return idea.trim().replace(/\s+/g, " ").replace(/[.!?;,]+$/, "");
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function joinAnd(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function composeProse(
  idea: string,
  lines: PresetLine[],
  random: () => number,
  budget: number,
): string {
  const scene = phrasesOf(lines, "scene");
  const style = [...phrasesOf(lines, "genre"), ...phrasesOf(lines, "style")];
  const artist = phrasesOf(lines, "artist");
  const framing = [...phrasesOf(lines, "composition"), ...phrasesOf(lines, "technical")];
  const light = phrasesOf(lines, "lighting");
  const when = [...phrasesOf(lines, "time"), ...phrasesOf(lines, "weather")];
  const mood = phrasesOf(lines, "mood");
  const palette = phrasesOf(lines, "palette");
  const camera = phrasesOf(lines, "camera");

  const sentences: { text: string; priority: number }[] = [];
  sentences.push({
    text: `${capitalize(idea)}${scene.length ? `, ${scene.join(", ")}` : ""}.`,
    priority: 0,
  });
  if (style.length || artist.length) {
    const lead = pick(random, ["Rendered as", "Presented as", "Realised as"]);
    const parts = [style.length ? `${lead} ${style.join(", ")}` : "", ...artist].filter(Boolean);
    sentences.push({ text: `${capitalize(parts.join(", "))}.`, priority: 1 });
  }
  if (light.length || when.length) {
    const lead = pick(random, ["Lit by", "Bathed in", "Shaped by"]);
    const parts = [light.length ? `${lead} ${light.join(", ")}` : "", ...when].filter(Boolean);
    sentences.push({ text: `${capitalize(parts.join(", "))}.`, priority: 2 });
  }
  if (mood.length || palette.length) {
    const parts = [
      mood.length ? `The mood is ${joinAnd(mood)}` : "",
      palette.length ? `${mood.length ? "in" : "In"} ${withArticle(palette.join(", "))}` : "",
    ].filter(Boolean);
    sentences.push({ text: `${parts.join(", ")}.`, priority: 3 });
  }
  if (framing.length) {
    const lead = pick(random, ["Framed as", "Composed as", "Captured as"]);
    sentences.push({ text: `${lead} ${framing.join(", ")}.`, priority: 4 });
  }
  if (camera.length) {
    sentences.push({ text: `Finished with ${joinAnd(camera)}.`, priority: 5 });
  }
  let kept = sentences;
  while (kept.length > 1 && estimateT5Tokens(kept.map((s) => s.text).join(" ")) > budget) {
    const worst = Math.max(...kept.map((s) => s.priority));
    kept = kept.filter((s) => s.priority !== worst);
  }
  return kept.map((s) => s.text).join(" ");
}

interface Tag {
  text: string;
  priority: number;
  keep?: boolean;
}

function composeTags(idea: string, target: Target, lines: PresetLine[], budget: number): string {
  const tags: Tag[] = target.quality_tags.map((text) => ({ text, priority: 0, keep: true }));
  const subject = idea.replace(/^(a|an|the)\s+/i, "");
  const subjectParts = splitTags(subject);
  subjectParts.forEach((part, i) =>
    tags.push({ text: i === 0 ? `(${part}:1.2)` : part, priority: 1, keep: i === 0 })
  );
  const order: [PresetSlot, number][] = [
    ["scene", 2],
    ["genre", 3],
    ["style", 3],
    ["artist", 4],
    ["composition", 5],
    ["technical", 6],
    ["lighting", 5],
    ["time", 7],
    ["weather", 7],
    ["mood", 8],
    ["palette", 8],
    ["camera", 9],
  ];
  for (const [slot, priority] of order) {
    for (const phrase of phrasesOf(lines, slot, true)) {
      const parts = splitTags(phrase);
      parts.forEach((text, i) => {
        const weighted = i === 0 && (slot === "style" || slot === "artist")
          ? `(${text}:1.1)`
          : text;
        // The first tag of a phrase carries it; the rest are trimmed first when over budget.
        tags.push({ text: weighted, priority: i === 0 ? priority : 10 + priority + i });
      });
    }
  }
  const seen = new Set<string>();
  let kept = tags.filter((t) => {
    const key = t.text.toLowerCase().replace(/^\(|:\d(\.\d)?\)$/g, "");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const text = () => kept.map((t) => t.text).join(", ");
  while (estimateClipTokens(text()) > budget) {
    const droppable = kept.filter((t) => !t.keep);
    if (!droppable.length) break;
    const worst = droppable.reduce((a, b) => (b.priority >= a.priority ? b : a));
    kept = kept.filter((t) => t !== worst);
  }
  return text();
}

/**
 * Builds a target-shaped prompt from the idea and presets without any LLM: a readable paragraph
 * for prose targets, ordered weighted tags within the token budget for tag targets, and a
 * negative prompt from the target's defaults plus the presets' fragments. Deterministic per seed.
 */
export function compose(input: ComposeInput): ComposeResult {
  const seed = input.seed ??
    seedFromText(`${input.target.id}|${input.idea}|${JSON.stringify(input.presets.record)}`);
  const random = seededRandom(seed);
  const idea = cleanIdea(expandWildcards(input.idea, random, input.wildcards ?? {}));
  const { target } = input;
  const positive = target.style === "prose"
    ? composeProse(idea, input.presets.lines, random, target.token_budget)
    : composeTags(idea, target, input.presets.lines, target.token_budget);
  const negative = target.negative
    ? mergeNegatives(null, input.presets.negatives, target.default_negative)
    : null;
  const tokens = target.style === "prose"
    ? estimateT5Tokens(positive)
    : estimateClipTokens(positive);
  return { positive, negative, seed, tokens, idea };
}
