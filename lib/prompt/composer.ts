import { oneOf, trimEndWhere } from "../app/text_scan.ts";
import type { Target } from "./targets.ts";
import type { PresetLine, ResolvedPresets, Selections } from "./assembly.ts";
import { seededRandom, seedFromText } from "./random.ts";
import { expandWildcards } from "./wildcards.ts";
import { mergeNegatives, presetNegatives, presetTexts } from "./negatives.ts";
import { type IdeaParts, ideaParts } from "./idea_parts.ts";
import { composeTags, type TagContext } from "./composer_tags.ts";
import { composeProse } from "./composer_prose.ts";
import { budgetTokens, countForTarget } from "./target_tokens.ts";

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
  /** Tokens of the target's first encoder, as the meter counts them. */
  tokens: number;
  /** The idea after wildcard expansion. */
  idea: string;
  /** What the composer left out or could not do, in a sentence or two; null when nothing. */
  note: string | null;
}

/** Pony's source tag for a genre or legacy style that has one. */
const PONY_SOURCES: Record<string, string> = {
  anime: "source_anime",
  Anime: "source_anime",
  comic_book: "source_cartoon",
  "Comic Book": "source_cartoon",
};

function cleanIdea(idea: string): string {
  return trimEndWhere(idea.trim().replace(/\s+/g, " "), oneOf(".!?;,"));
}

/**
 * A pack's subject, action and setting are suggestions: the composer, which cannot weigh them
 * against the idea as an LLM would, uses them only where the idea leaves that part open.
 */
function suggestionsLeftOut(line: PresetLine, parts: IdeaParts): boolean {
  if (!line.fromPack || !line.role) return false;
  if (line.role === "subject") return true;
  if (line.role === "setting") return parts.hasSetting;
  if (line.role === "action") return parts.hasAction;
  return false;
}

function tagContext(presets: ResolvedPresets): TagContext {
  const selections = presets.record.resolved as Selections | undefined;
  const style = presets.record.style;
  const source = PONY_SOURCES[selections?.category ?? ""] ??
    (typeof style === "string" ? PONY_SOURCES[style] : undefined);
  const rating = presets.lines.some((l) => l.adult) ? "rating_questionable" : "rating_safe";
  return source ? { source, rating } : { rating };
}

function listOf(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function noteOf(parts: IdeaParts, target: Target, presets: ResolvedPresets, leftOut: PresetLine[]) {
  const notes: string[] = [];
  if (!parts.english) {
    notes.push(
      "The idea is kept in its own words: the composer cannot translate, and image models read English best. Generate with an LLM, or write the idea in English.",
    );
  }
  if (leftOut.length) {
    notes.push(
      `Left out the pack's ${
        listOf(leftOut.map((l) => l.label.toLowerCase()))
      }: the idea sets its own subject, action and setting.`,
    );
  }
  const artists = presets.lines.filter((l) => l.slot === "artist" && l.name);
  if (target.tag_dialect === "pony" && artists.length) {
    notes.push(
      `Pony V6 ignores artist names, so ${listOf(artists.map((l) => l.name!))} ${
        artists.length === 1 ? "is" : "are"
      } described by the look instead.`,
    );
  }
  for (const d of presets.dropped ?? []) notes.push(d.reason);
  return notes.length ? notes.join(" ") : null;
}

/**
 * Builds a target-shaped prompt from the idea and presets without any LLM: a paragraph for prose
 * and video targets, ordered tags within the token budget for tag targets (in Pony's or
 * Danbooru's conventions where the target has them), and a negative prompt from the target's
 * defaults and the presets' fragments that never names what the positive asks for.
 * Deterministic per seed.
 */
export function compose(input: ComposeInput): ComposeResult {
  const seed = input.seed ??
    seedFromText(`${input.target.id}|${input.idea}|${JSON.stringify(input.presets.record)}`);
  const random = seededRandom(seed);
  const idea = cleanIdea(expandWildcards(input.idea, random, input.wildcards ?? {}));
  const { target, presets } = input;
  const parts = ideaParts(idea);
  const leftOut = presets.lines.filter((l) => suggestionsLeftOut(l, parts));
  const lines = presets.lines.filter((l) => !leftOut.includes(l));
  const positive = target.style === "prose"
    ? composeProse(parts, target, lines, random)
    : composeTags(parts, target, lines, tagContext(presets));
  const negative = target.negative
    ? mergeNegatives(null, presetNegatives(target, presets), target.default_negative, [
      positive,
      ...presetTexts(lines),
    ])
    : null;
  return {
    positive,
    negative,
    seed,
    tokens: budgetTokens(countForTarget(positive, target)),
    idea,
    note: noteOf(parts, target, presets, leftOut),
  };
}
