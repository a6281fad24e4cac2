import type { Target } from "./targets.ts";
import { encoderIds, encoderLimits } from "./targets.ts";
import { type ChunkRule, countForEncoders, type EncoderCount } from "./tokens.ts";

/**
 * Counts a prompt for every encoder of a target, with the limits its pipeline reads: CLIP in
 * 75-token chunks (with their boundaries), T5 and LLM encoders against their own limits, and the
 * warning when CLIP sits beside T5 and `important` words fall past its first 77 tokens.
 */
export function countForTarget(
  text: string,
  target: Target,
  important: string[] = [],
  chunkRule?: ChunkRule,
): EncoderCount[] {
  return countForEncoders(text, encoderIds(target), {
    limits: encoderLimits(target),
    important,
    ...(chunkRule ? { chunkRule } : {}),
  });
}

/** The count the target's budget applies to: its first encoder's (CLIP for tag targets). */
export function budgetTokens(counts: EncoderCount[]): number {
  return counts[0]?.tokens ?? 0;
}

/** A prompt's count for a target, as `POST /api/tokens` and the page's meter report it. */
export interface TokenReport {
  model: string;
  /** Tokens of the target's first encoder a good prompt fits in. */
  budget: number;
  /** The first encoder's count, the one the budget applies to. */
  tokens: number;
  over_budget: boolean;
  /** Every encoder's count, CLIP ones with their 75-token chunks as offsets in `text`. */
  encoders: EncoderCount[];
}

/** Counts `text` for `target` and sets it against the target's budget. */
export function tokenReport(
  text: string,
  target: Target,
  important: string[] = [],
  chunkRule?: ChunkRule,
): TokenReport {
  const encoders = countForTarget(text, target, important, chunkRule);
  const tokens = budgetTokens(encoders);
  return {
    model: target.id,
    budget: target.token_budget,
    tokens,
    over_budget: tokens > target.token_budget,
    encoders,
  };
}
