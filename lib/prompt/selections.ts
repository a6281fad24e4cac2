import { badInput } from "../app/errors.ts";
import { LEVEL_KEYS, originalUniversalKey, universalGroupKey } from "../presets/original_keys.ts";
import type { Selections } from "./assembly.ts";

/** Selections as a request may send them: our keys, the original app's `level1`…`level5`, or both. */
export interface SentSelections extends Selections {
  level1?: string;
  level2?: string;
  level3?: string;
  level4?: Record<string, string>;
  level5?: Record<string, string>;
}

function given<T>(value: T | undefined | ""): value is T {
  return value !== undefined && value !== "";
}

function pickId(
  level: "level1" | "level2" | "level3",
  theirs: string | undefined,
  mine: string | undefined,
): string | undefined {
  if (!given(theirs)) return mine;
  const ours = LEVEL_KEYS[level];
  if (given(mine) && mine !== theirs) {
    throw badInput(
      `selections.${level} and selections.${ours} name different ids ("${theirs}" and "${mine}"); ` +
        `they mean the same level, so send one of them`,
    );
  }
  return theirs;
}

function mergeOptions(
  level: "level4" | "level5",
  theirs: Record<string, string> | undefined,
  mine: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!theirs) return mine;
  const ours = LEVEL_KEYS[level];
  const out: Record<string, string> = { ...mine };
  for (const [key, id] of Object.entries(theirs)) {
    if (Object.hasOwn(out, key) && out[key] !== id) {
      throw badInput(
        `selections.${level}.${key} and selections.${ours}.${key} differ ("${id}" and "${
          out[key]
        }"); they mean the same option, so send one of them`,
      );
    }
    out[key] = id;
  }
  return out;
}

/** The universal group keys a request may use, ours with the original's names beside them. */
export function universalKeysHint(groups: string[]): string {
  return groups.map((g) => {
    const theirs = originalUniversalKey(g);
    return theirs ? `${g} (or ${theirs})` : g;
  }).join(", ");
}

function sameValue(a: string | string[], b: string | string[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function canonicalUniversal(
  sent: Record<string, string | string[]>,
  groups: string[],
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const sentAs: Record<string, string> = {};
  for (const [key, value] of Object.entries(sent)) {
    const group = universalGroupKey(key);
    if (!groups.includes(group)) {
      throw badInput(
        `selections.universal.${key}: unknown option group; use one of ${
          universalKeysHint(groups)
        } (GET /api/universal-options lists their options)`,
        "unknown_preset",
      );
    }
    if (Object.hasOwn(out, group) && !sameValue(out[group]!, value)) {
      throw badInput(
        `selections.universal.${key} and selections.universal.${
          sentAs[group]
        } differ; they mean the same group, so send one of them`,
      );
    }
    out[group] = value;
    sentAs[group] = key;
  }
  return out;
}

/**
 * Maps the original app's keys onto ours (`level1` → `category` … `level5` → `specifics`, and in
 * `universal` its `weather_atmosphere` and `color_palettes`). Both names for one thing may be sent
 * when they agree; when they differ, or a universal group does not exist, it is a 400 that says so.
 * `groups` are the universal group keys the catalog has.
 */
export function canonicalSelections(sent: SentSelections, groups: string[]): Selections {
  const { level1, level2, level3, level4, level5, universal, ...out } = sent;
  const category = pickId("level1", level1, out.category);
  const type = pickId("level2", level2, out.type);
  const artist = pickId("level3", level3, out.artist);
  const technical = mergeOptions("level4", level4, out.technical);
  const specifics = mergeOptions("level5", level5, out.specifics);
  const result: Selections = { ...out };
  if (category !== undefined) result.category = category;
  if (type !== undefined) result.type = type;
  if (artist !== undefined) result.artist = artist;
  if (technical !== undefined) result.technical = technical;
  if (specifics !== undefined) result.specifics = specifics;
  if (universal !== undefined) result.universal = canonicalUniversal(universal, groups);
  return result;
}
