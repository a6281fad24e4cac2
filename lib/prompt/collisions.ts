import type { PresetLine, PresetSlot } from "./assembly.ts";

/**
 * When two chosen presets fill a slot that takes one choice (two lighting schemes, two colour
 * treatments), the more specific one is used and the other dropped, before the LLM or the
 * composer sees them. More specific means, in order: chosen by the user rather than brought by a
 * pack; chosen for an artist (a lighting setup of Annie Leibovitz) rather than picked from the
 * general lists; then the more detailed text.
 */

/** Slots where one choice excludes another. */
const EXCLUSIVE: ReadonlySet<PresetSlot> = new Set([
  "lighting",
  "palette",
  "time",
  "weather",
  "composition",
]);

/** A preset left out because another of its kind was more specific. */
export interface DroppedPreset {
  slot: PresetSlot;
  label: string;
  text: string;
  /** The preset used instead. */
  kept: { label: string; text: string };
  reason: string;
}

function levelRank(line: PresetLine): number {
  return line.level === "option" || line.level === "artist" ? 2 : 1;
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Compares two presets of a slot: positive when `a` is the more specific. */
function compare(a: PresetLine, b: PresetLine): number {
  return (Number(!a.fromPack) - Number(!b.fromPack)) || (levelRank(a) - levelRank(b)) ||
    (words(a.text) - words(b.text));
}

function why(kept: PresetLine, dropped: PresetLine): string {
  if (!kept.fromPack && dropped.fromPack) return "your own choice wins over the pack's";
  if (levelRank(kept) > levelRank(dropped)) return "the artist's own option is more specific";
  return "it is the more detailed of the two";
}

function short(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** Keeps one preset per exclusive slot (the most specific) and says what was dropped and why. */
export function resolveCollisions(
  lines: PresetLine[],
): { lines: PresetLine[]; dropped: DroppedPreset[] } {
  const winners = new Map<PresetSlot, PresetLine>();
  for (const line of lines) {
    if (!EXCLUSIVE.has(line.slot)) continue;
    const best = winners.get(line.slot);
    if (!best || compare(line, best) > 0) winners.set(line.slot, line);
  }
  const dropped: DroppedPreset[] = [];
  const kept = lines.filter((line) => {
    const winner = winners.get(line.slot);
    if (!winner || winner === line) return true;
    dropped.push({
      slot: line.slot,
      label: line.label,
      text: line.text,
      kept: { label: winner.label, text: winner.text },
      reason: `${line.label} "${short(line.text)}" left out: ${winner.label} "${
        short(winner.text)
      }" is used instead (${why(winner, line)}).`,
    });
    return false;
  });
  return { lines: kept, dropped };
}
