const PIECE = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/**
 * Estimates how many CLIP tokens a prompt uses, without the tokenizer: CLIP's 49k vocabulary
 * holds most English words whole, so words up to 8 letters count one, longer ones two or more,
 * digits one each, and every punctuation mark one.
 */
export function estimateClipTokens(text: string): number {
  let n = 0;
  for (const piece of text.toLowerCase().match(PIECE) ?? []) {
    if (/^\p{N}+$/u.test(piece)) n += piece.length;
    else if (/^[\p{L}\p{N}]+$/u.test(piece)) {
      n += piece.length <= 8 ? 1 : piece.length <= 12 ? 2 : Math.ceil(piece.length / 5);
    } else n += 1;
  }
  return n;
}

/** Estimates T5 tokens (Flux, SD3): about one token per 3.7 characters of English. */
export function estimateT5Tokens(text: string): number {
  return Math.ceil(text.trim().length / 3.7);
}

/** Tokens of a prompt for a target's encoder family. */
export function estimateTokens(text: string, style: "prose" | "tags"): number {
  return style === "tags" ? estimateClipTokens(text) : estimateT5Tokens(text);
}
