/**
 * The original app's names for hierarchical selections, and ours. Requests may use either; the
 * original's response shapes are built from the same tables, so the two can never drift apart.
 */
import { own } from "../app/own.ts";

/** The original's level keys and the selection key each one means. */
export const LEVEL_KEYS = {
  level1: "category",
  level2: "type",
  level3: "artist",
  level4: "technical",
  level5: "specifics",
} as const;

/** One of the original's level keys. */
export type LevelKey = keyof typeof LEVEL_KEYS;

/** The original's universal group keys that differ from ours, and the group each one means. */
const UNIVERSAL_ALIASES: Readonly<Record<string, string>> = {
  weather_atmosphere: "weather",
  color_palettes: "color_palette",
};

/** The original's key for one of our universal groups, where it had another name. */
export function originalUniversalKey(ours: string): string | undefined {
  return Object.keys(UNIVERSAL_ALIASES).find((k) => UNIVERSAL_ALIASES[k] === ours);
}

/** Our universal group for a key a request used (ours, or the original's alias). */
export function universalGroupKey(sent: string): string {
  return own(UNIVERSAL_ALIASES, sent) ?? sent;
}
