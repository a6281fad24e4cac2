import { own } from "../app/own.ts";
import { join } from "node:path";
import { pick } from "./random.ts";

/** Built-in `__name__` lists, so wildcards work before a user writes any. */
export const BUILTIN_WILDCARDS: Record<string, string[]> = {
  color: ["crimson", "teal", "amber", "violet", "emerald", "cobalt", "ivory", "charcoal"],
  animal: ["fox", "owl", "wolf", "heron", "lynx", "raven", "stag", "otter"],
  place: [
    "a misty harbour",
    "a desert canyon",
    "a bamboo forest",
    "a neon alley",
    "a frozen lake",
    "a ruined cathedral",
  ],
  weather: ["light rain", "drifting fog", "falling snow", "a clearing storm", "heat haze"],
  time: ["dawn", "midday", "golden hour", "dusk", "midnight"],
  material: [
    "brass",
    "weathered oak",
    "polished marble",
    "rough linen",
    "cracked leather",
    "frosted glass",
  ],
  emotion: ["quiet joy", "longing", "defiance", "wonder", "calm focus"],
};

/** Reads `DATA_DIR/wildcards/*.txt` (one entry per line, `#` comments) on top of the built-ins. */
export function loadWildcards(dir?: string): Record<string, string[]> {
  const lists: Record<string, string[]> = { ...BUILTIN_WILDCARDS };
  if (!dir) return lists;
  try {
    for (const entry of Deno.readDirSync(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".txt")) continue;
      const lines = Deno.readTextFileSync(join(dir, entry.name)).split(/\r?\n/)
        .map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
      if (lines.length) lists[entry.name.slice(0, -4).toLowerCase()] = lines;
    }
  } catch {
    // No wildcard folder yet.
  }
  return lists;
}

/** An unknown `__name__` in the text. */
export class UnknownWildcardError extends Error {
  constructor(readonly wildcard: string, readonly known: string[]) {
    super(`unknown wildcard __${wildcard}__; known lists: ${known.join(", ")}`);
    this.name = "UnknownWildcardError";
  }
}

/**
 * Expands `{a|b|c}` alternatives and `__name__` lists with a seeded generator, innermost
 * first, so the same seed always gives the same text.
 */
export function expandWildcards(
  text: string,
  random: () => number,
  lists: Record<string, string[]>,
): string {
  let out = text;
  for (let depth = 0; depth < 10; depth++) {
    const before = out;
    out = out.replace(/__([a-z0-9_-]+)__/gi, (_, name: string) => {
      const list = own(lists, name.toLowerCase());
      if (!list) throw new UnknownWildcardError(name, Object.keys(lists).sort());
      return pick(random, list);
    });
    out = out.replace(
      // The first part stops at the first bar, so a brace full of bars is read once, not once
      // per bar.
      /\{([^{}|]*\|[^{}]*)\}/g,
      (_, body: string) => pick(random, body.split("|")).trim(),
    );
    if (out === before) break;
  }
  return out;
}

/** Whether text contains anything `expandWildcards` would change. */
export function hasWildcards(text: string): boolean {
  return /__[a-z0-9_-]+__|\{[^{}|]*\|[^{}]*\}/i.test(text);
}
