import { stripEmphasis } from "./emphasis.ts";
import { oneOf, trimEndWhere } from "../app/text_scan.ts";
import type { PresetLine, ResolvedPresets } from "./assembly.ts";
import type { Target } from "./targets.ts";

/** Splits a comma-separated prompt into trimmed, non-empty tags. */
export function splitTags(text: string | null | undefined): string[] {
  if (!text) return [];
  return text.split(",").map((t) => t.trim()).filter(Boolean);
}

/** `tag` without a trailing `:1.2` weight. */
function withoutWeight(tag: string): string {
  let i = tag.length;
  while (i > 0 && tag[i - 1]! >= "0" && tag[i - 1]! <= "9") i--;
  if (i < tag.length && tag[i - 1] === ".") {
    const frac = i;
    i--;
    while (i > 0 && tag[i - 1]! >= "0" && tag[i - 1]! <= "9") i--;
    if (i === frac - 1) return tag;
  }
  return i < tag.length && tag[i] !== "." && tag[i - 1] === ":" ? tag.slice(0, i - 1) : tag;
}

function tagKey(tag: string): string {
  // Loops rather than `/\)+$/` and `/:\d+(\.\d+)?$/`, which rescan long runs from each start.
  return withoutWeight(trimEndWhere(tag.toLowerCase().replace(/^\(+/, ""), oneOf(")"))).trim();
}

/** A word without the endings that make "photography" of "photograph" or "flowers" of "flower". */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) word = word.slice(0, -1);
  if (word.length > 5 && word.endsWith("y")) word = word.slice(0, -1);
  return word;
}

/** Lower case, weights and punctuation gone, words stemmed, padded: for whole-phrase matching. */
function words(text: string): string {
  const plain = stripEmphasis(text).toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
  return ` ${plain.map(stem).join(" ")} `;
}

/**
 * Drops every negative tag whose words appear, as a whole phrase, in one of `positives` (the
 * positive prompt, the chosen presets' texts): a negative must never fight what the positive
 * asks for, e.g. "photorealistic" on both sides. Weights are ignored on both sides.
 */
export function withoutContradictions(tags: string[], positives: string[]): string[] {
  const haystacks = positives.filter(Boolean).map(words);
  if (!haystacks.length) return tags;
  return tags.filter((tag) => {
    const needle = words(tag);
    return needle.trim() === "" || !haystacks.some((h) => h.includes(needle));
  });
}

/**
 * Builds the final negative prompt: the LLM's own negative (or the target's defaults when it
 * gave none), then the chosen presets' fragments, without duplicates and without anything that
 * `positives` (the positive prompt and the chosen presets' texts) asks for.
 */
export function mergeNegatives(
  llmNegative: string | null,
  presetFragments: string[],
  targetDefaults: string[],
  positives: string[] = [],
): string {
  const base = llmNegative ? splitTags(llmNegative) : targetDefaults;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of [...base, ...presetFragments.flatMap(splitTags)]) {
    const key = tagKey(tag);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return withoutContradictions(out, positives).join(", ");
}

/**
 * The chosen presets' negative tags for a target that takes a negative prompt, without the ones
 * another chosen preset asks for (an anime genre's "photorealistic" beside the Photorealistic
 * style).
 */
export function presetNegatives(target: Target, presets: ResolvedPresets): string[] {
  if (!target.negative) return [];
  return withoutContradictions(presets.negatives.flatMap(splitTags), presetTexts(presets.lines));
}

/**
 * What the chosen presets ask the image to show: each one's prompt phrase (not the guidance
 * around it, such as an artist's "signature" note or a genre's description).
 */
export function presetTexts(lines: PresetLine[]): string[] {
  return lines.map((l) => l.phrase ?? l.text);
}
