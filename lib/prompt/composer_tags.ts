import type { Target } from "./targets.ts";
import type { PresetLine, PresetSlot } from "./assembly.ts";
import { booruSubjectTags, type IdeaParts } from "./idea_parts.ts";
import { splitTags } from "./negatives.ts";
import { estimateClipTokens } from "./tokens.ts";
import { withoutRepeats } from "./repeats.ts";

/** One tag and how much it matters: lower priorities are cut last; `keep` ones never. */
interface Tag {
  text: string;
  priority: number;
  keep?: boolean;
  /** The idea's own words and the fixed prefixes: never rewritten by the repeat rule. */
  fixed?: boolean;
  /** Quality tags: others may reuse their words ("best quality" beside "high quality"). */
  ignore?: boolean;
  weight?: number;
}

/** The extra context a tag prompt needs beyond the idea and the lines. */
export interface TagContext {
  /** Pony's source tag, from the chosen genre or style (`source_anime`), if any. */
  source?: string;
  /** Pony's rating tag. */
  rating: string;
}

/** Where each preset slot goes and how much its first tag matters. */
const SLOT_ORDER: [PresetSlot, number][] = [
  ["scene", 2],
  ["genre", 3],
  ["style", 3],
  ["artist", 4],
  ["composition", 5],
  ["lighting", 5],
  ["technical", 6],
  ["palette", 7],
  ["time", 7],
  ["weather", 7],
  ["mood", 8],
  ["camera", 9],
];

/** The usual weight of the idea's subject, inside the target's range. */
function subjectWeight(target: Target): number | undefined {
  if (!target.weights) return undefined;
  return Math.min(target.weights.max, Math.max(target.weights.min, 1.2));
}

/** The weight of a style's or artist's leading tag, inside the target's range. */
function styleWeight(target: Target): number | undefined {
  return target.weights ? target.weights.min : undefined;
}

function mentions(tag: string, name: string): boolean {
  return tag.toLowerCase().includes(name.toLowerCase());
}

/** The tags a preset line contributes, in this target's dialect. */
function lineTags(line: PresetLine, target: Target): string[] {
  const source = (line.tags ?? line.phrase ?? line.text).trim();
  const tags = splitTags(source);
  if (line.slot !== "artist" || !line.name) return tags;
  const name = line.name;
  const described = tags.filter((t) => !mentions(t, name));
  // Pony V6 never learned artist names.
  if (target.tag_dialect === "pony") return described;
  // Danbooru-trained models know artists by their bare tag, which goes right after the subject.
  return target.tag_dialect === "plain" ? tags : described;
}

function ideaTags(parts: IdeaParts, target: Target): Tag[] {
  const out: Tag[] = [];
  const weight = subjectWeight(target);
  const add = (text: string, weighted: boolean) => {
    if (text) {
      out.push({ text, priority: 1, keep: true, fixed: true, ...(weighted ? { weight } : {}) });
    }
  };
  if (!parts.english) {
    // The composer cannot read a foreign idea: its phrases go in as the user wrote them.
    for (const phrase of [parts.subject, ...parts.extra]) add(phrase, false);
    return out;
  }
  let subject = parts.subject;
  if (target.tag_dialect !== "plain") {
    for (const t of booruSubjectTags(subject)) {
      out.push({ text: t, priority: 1, keep: true, fixed: true });
    }
    // "1girl" already says "girl".
    if (/^(girl|boy)$/i.test(subject)) subject = "";
  }
  add(subject, weight !== undefined);
  add(parts.action, !subject && weight !== undefined);
  add(parts.setting, false);
  for (const e of parts.extra) add(e, false);
  return out;
}

function rendered(tag: Tag): string {
  return tag.weight === undefined ? tag.text : `(${tag.text}:${tag.weight})`;
}

function exactKey(text: string): string {
  return text.toLowerCase().trim();
}

/**
 * Applies the repeat rule to the tags, in order: each comes back rewritten, or null when it has
 * nothing of its own left (or repeats an earlier tag exactly).
 */
function deduplicated(tags: Tag[]): (Tag | null)[] {
  const seen = new Set<string>();
  const texts = withoutRepeats(
    tags.map((t) => ({ text: t.text, fixed: t.fixed, ignore: t.ignore })),
  );
  return tags.map((t, i) => {
    const text = texts[i];
    if (!text || seen.has(exactKey(text))) return null;
    seen.add(exactKey(text));
    return { ...t, text };
  });
}

/**
 * An ordered tag prompt: the target's quality tags, Pony's source and rating tags or Danbooru's
 * subject count, the idea as subject, action and setting tags (the subject weighted), then the
 * presets by slot; no word twice; the least important tags cut until it fits the token budget,
 * counted as the meter counts it.
 */
export function composeTags(
  parts: IdeaParts,
  target: Target,
  lines: PresetLine[],
  context: TagContext,
): string {
  const tags: Tag[] = target.quality_tags.map((text) => ({
    text,
    priority: 0,
    keep: true,
    fixed: true,
    ignore: true,
  }));
  if (target.tag_dialect === "pony") {
    for (const t of [context.source, context.rating]) {
      if (t) tags.push({ text: t, priority: 0, keep: true, fixed: true, ignore: true });
    }
  }
  tags.push(...ideaTags(parts, target));
  if (target.tag_dialect === "danbooru") {
    // Danbooru captions name the artist right after the characters.
    for (const line of lines) {
      if (line.slot === "artist" && line.name) {
        tags.push({ text: line.name.toLowerCase(), priority: 4 });
      }
    }
  }
  for (const [slot, priority] of SLOT_ORDER) {
    for (const line of lines.filter((l) => l.slot === slot)) {
      lineTags(line, target).forEach((text, i) => {
        const lead = i === 0 &&
          (slot === "style" || (slot === "artist" && line.name !== undefined &&
            target.tag_dialect === "plain"));
        const weight = lead ? styleWeight(target) : undefined;
        // The first tag of a preset carries it; the rest are cut first when over budget.
        tags.push({
          text,
          priority: i === 0 ? priority : 10 + priority + i,
          ...(weight !== undefined ? { weight } : {}),
        });
      });
    }
  }
  // Tags are cut from the originals, so a cut tag gives its words back to those after it.
  let candidates = tags;
  const joined = (list: Tag[]) => list.map(rendered).join(", ");
  for (;;) {
    const current = deduplicated(candidates);
    const present = current.filter((t): t is Tag => t !== null);
    if (estimateClipTokens(joined(present)) <= target.token_budget) return joined(present);
    let worst = -1;
    current.forEach((t, i) => {
      if (t && !t.keep && (worst < 0 || t.priority >= candidates[worst]!.priority)) worst = i;
    });
    if (worst < 0) return joined(present);
    candidates = candidates.filter((_, i) => i !== worst);
  }
}
