import { parseEmphasis, type Span, type StrippedPrompt } from "./emphasis.ts";
import { type ClipPiece, clipPieces } from "./clip_estimate.ts";
import { estimateLlmTokens, estimateT5Tokens } from "./encoder_estimates.ts";

/**
 * Token counts people can trust: the weighting syntax is removed first, as A1111 and ComfyUI do,
 * then each text encoder's tokens are estimated without shipping any vocabulary. CLIP prompts are
 * also cut into the 75-token chunks the UIs encode one by one, with the cut points given as offsets
 * in the text the user typed.
 */

export { parseEmphasis, stripEmphasis } from "./emphasis.ts";
export type { Span, StrippedPrompt } from "./emphasis.ts";
export { estimateLlmTokens, estimateT5Tokens } from "./encoder_estimates.ts";
export type { LlmFamily } from "./encoder_estimates.ts";

/** Prompt tokens in one CLIP chunk: 77 positions less the start and end tokens. */
export const CLIP_CHUNK_TOKENS = 75;

/** A1111 moves text after the last comma to the next chunk when it is at most this many tokens back. */
const COMMA_BACKTRACK = 20;

/** One 75-token CLIP chunk, as a range of the original text. */
export interface ClipChunk {
  /** Offset in the original text where the chunk starts (0 for the first). */
  start: number;
  /** Offset where the next chunk starts (the text's length for the last). */
  end: number;
  /** Estimated prompt tokens in the chunk (at most 75). */
  tokens: number;
}

/** How chunk boundaries fall: ComfyUI cuts at 75 tokens; A1111 backs up to a recent comma. */
export type ChunkRule = "comfyui" | "a1111";

/** Estimated CLIP tokens of a prompt after its weighting syntax is removed (no start/end tokens). */
export function estimateClipTokens(text: string): number {
  let total = 0;
  for (const p of clipPieces(parseEmphasis(text).text)) total += p.tokens;
  return Math.round(total);
}

/** Maps offsets in the stripped text back to the original; offsets must not decrease. */
class OffsetMap {
  #spans: Span[];
  #index = 0;
  #base = 0;
  constructor(spans: Span[]) {
    this.#spans = spans.filter((s) => s.end > s.start);
  }
  /** The original offset of stripped character `offset`. */
  at(offset: number): number {
    const spans = this.#spans;
    while (this.#index < spans.length) {
      const span = spans[this.#index]!;
      const length = span.end - span.start;
      if (offset < this.#base + length) return span.start + (offset - this.#base);
      this.#base += length;
      this.#index++;
    }
    return spans.at(-1)?.end ?? 0;
  }
}

/**
 * A chunk boundary: where the next chunk starts in the stripped text (or, for a BREAK, in the
 * original), the tokens before it, and whether it falls inside a piece.
 */
interface Cut {
  at: number;
  before: number;
  origin?: number;
  inside?: boolean;
}

function isComma(text: string, p: ClipPiece): boolean {
  return p.end - p.start === 1 && text[p.start] === ",";
}

/** Pieces of this many tokens or more are split at the boundary, as ComfyUI splits long words. */
const SPLIT_PIECE = 8;

/** Where each new chunk starts, following `rule`. */
function chunkCuts(
  text: string,
  pieces: ClipPiece[],
  parsed: StrippedPrompt,
  rule: ChunkRule,
): Cut[] {
  const breaks = parsed.breaks;
  const cuts: Cut[] = [];
  let total = 0;
  let used = 0;
  let lastComma = -1;
  let usedAtComma = 0;
  let nextBreak = 0;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    while (nextBreak < breaks.length && breaks[nextBreak]! <= p.start) {
      if (used > 0) {
        cuts.push({ at: p.start, before: total, origin: parsed.breakOrigins[nextBreak] });
      }
      used = 0;
      lastComma = -1;
      nextBreak++;
    }
    let tokens = p.tokens;
    let from = p.start;
    while (used > 0 || tokens > CLIP_CHUNK_TOKENS) {
      if (Math.round(used + tokens) <= CLIP_CHUNK_TOKENS) break;
      if (tokens >= SPLIT_PIECE) {
        // Fill the chunk with part of a long piece (a run of CJK, a long word).
        const room = Math.max(0, CLIP_CHUNK_TOKENS - used);
        let at = from + Math.round((p.end - from) * room / tokens);
        if (at > from && at < p.end && isLowSurrogate(text.charCodeAt(at))) at--;
        if (at <= from && used === 0) at = from + 1;
        total += room;
        tokens -= room;
        from = at;
        cuts.push({ at, before: total, inside: true });
      } else if (rule === "a1111" && lastComma >= 0 && used - usedAtComma <= COMMA_BACKTRACK) {
        cuts.push({ at: pieces[lastComma + 1]!.start, before: total - (used - usedAtComma) });
        used -= usedAtComma;
        lastComma = -1;
        continue;
      } else cuts.push({ at: p.start, before: total });
      used = 0;
      lastComma = -1;
    }
    used += tokens;
    total += tokens;
    if (isComma(text, p)) {
      lastComma = i;
      usedAtComma = used;
    }
  }
  return cuts;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * The 75-token chunks CLIP encodes (SD 1.5, SDXL; SD 3.5 and Flux read only the first), as ranges
 * of the original `text`. A BREAK starts a new chunk. ComfyUI's rule cuts where the 76th token
 * would go (it also keeps a short weighted phrase whole, which can move the cut a few tokens
 * earlier); A1111's backs up to a comma at most 20 tokens earlier. A long word or run of CJK is
 * split at the boundary.
 */
export function clipChunks(text: string, rule: ChunkRule = "comfyui"): ClipChunk[] {
  return chunksOf(text, parseEmphasis(text), rule);
}

function chunksOf(text: string, parsed: StrippedPrompt, rule: ChunkRule): ClipChunk[] {
  const pieces = clipPieces(parsed.text);
  const map = new OffsetMap(parsed.spans);
  const chunks: ClipChunk[] = [];
  let start = 0;
  let before = 0;
  for (const cut of chunkCuts(parsed.text, pieces, parsed, rule)) {
    let end = cut.origin ?? map.at(cut.at);
    // Put the mark before the space and brackets that open the chunk's first word.
    if (cut.origin === undefined && !cut.inside) {
      while (end > start && /[\s([]/.test(text[end - 1]!)) end--;
    }
    const rounded = Math.round(cut.before);
    chunks.push({ start, end, tokens: rounded - before });
    start = end;
    before = rounded;
  }
  let total = 0;
  for (const p of pieces) total += p.tokens;
  chunks.push({ start, end: text.length, tokens: Math.round(total) - before });
  return chunks;
}

/** One encoder's count for a prompt. */
export interface EncoderCount {
  /** The encoder's id: `clip-l`, `clip-g`, `t5-xxl`, `umt5-xxl`, `qwen2.5-vl` or `llama-3.1`. */
  encoder: string;
  tokens: number;
  /** Tokens the encoder reads: 75 per CLIP chunk, the pipeline's maximum for the others. */
  limit: number;
  /** CLIP only: the 75-token chunks, as ranges of the original text. */
  chunks?: ClipChunk[];
  /**
   * CLIP beside T5 (SD 3.5, Flux): words that matter (weighted up, or listed as important) come
   * after CLIP's first 77 tokens, so CLIP never reads them.
   */
  warning?: string;
}

/** Options for `countForEncoders`. */
export interface CountOptions {
  /** Override an encoder's limit, e.g. `{ "t5-xxl": 256 }` for SD 3.5 or Flux schnell. */
  limits?: Record<string, number>;
  /** Words that must reach every encoder: LoRA trigger words, protected terms, the subject. */
  important?: string[];
  chunkRule?: ChunkRule;
}

/** The families of text encoder, each counted its own way. */
export type EncoderKind = "clip" | "t5" | "umt5" | "qwen2.5" | "llama3";

interface EncoderInfo {
  kind: EncoderKind;
  limit: number;
}

/**
 * Encoders and the tokens their usual pipeline reads: CLIP 75 a chunk; T5-XXL 512 (Flux dev and
 * Chroma; SD 3.5 and Flux schnell stop at 256); umT5 512 (WAN); Qwen2.5-VL 512 (Qwen-Image);
 * Llama 3.1 128 (HiDream).
 */
const ENCODERS: Record<string, EncoderInfo> = {
  "clip-l": { kind: "clip", limit: CLIP_CHUNK_TOKENS },
  "clip-g": { kind: "clip", limit: CLIP_CHUNK_TOKENS },
  "t5-xxl": { kind: "t5", limit: 512 },
  "umt5-xxl": { kind: "umt5", limit: 512 },
  "qwen2.5-vl": { kind: "qwen2.5", limit: 512 },
  "llama-3.1": { kind: "llama3", limit: 128 },
};

const ALIASES: Record<string, string> = {
  clipl: "clip-l",
  clipg: "clip-g",
  t5: "t5-xxl",
  t5xxl: "t5-xxl",
  umt5: "umt5-xxl",
  umt5xxl: "umt5-xxl",
  qwen: "qwen2.5-vl",
  qwen25vl: "qwen2.5-vl",
  qwen25: "qwen2.5-vl",
  llama: "llama-3.1",
  llama31: "llama-3.1",
  llama3: "llama-3.1",
};

/** The canonical id of an encoder name (`CLIP-L`, `t5xxl`, `Qwen2.5-VL`…); throws on an unknown one. */
export function encoderId(name: string): string {
  const lower = name.trim().toLowerCase();
  if (lower in ENCODERS) return lower;
  const id = ALIASES[lower.replace(/[^a-z0-9]/g, "")];
  if (id) return id;
  throw new RangeError(
    `Unknown text encoder "${name}": use one of ${Object.keys(ENCODERS).join(", ")}.`,
  );
}

/** What reads the text: CLIP, T5, umT5 or one of the LLM encoders; throws on an unknown name. */
export function encoderKind(name: string): EncoderKind {
  return ENCODERS[encoderId(name)]!.kind;
}

/** The encoders of a target's `encoder` label, e.g. "CLIP-L + CLIP-G + T5-XXL". */
export function encodersOf(label: string): string[] {
  return label.split("+").map((part) => encoderId(part));
}

function quoted(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return `"${flat.length > 40 ? `${flat.slice(0, 39)}…` : flat}"`;
}

/** Important text that starts after `cutoff` in the original: weighted-up phrases, listed terms. */
function lateImportant(text: string, parsed: StrippedPrompt, cutoff: number, terms: string[]) {
  const late: string[] = [];
  for (const span of parsed.emphasized) {
    if (span.start >= cutoff) late.push(quoted(text.slice(span.start, span.end)));
  }
  const lower = text.toLowerCase();
  for (const term of terms) {
    const t = term.trim().toLowerCase();
    if (!t) continue;
    const at = lower.indexOf(t);
    if (at >= cutoff) late.push(quoted(term));
  }
  return [...new Set(late)];
}

/**
 * Counts a prompt for each of `encoders` (ids or labels: "clip-l", "T5-XXL"…). CLIP entries carry
 * their chunks; when CLIP sits beside T5 (SD 3.5, Flux) and weighted or listed important words
 * come after CLIP's first chunk, the CLIP entries carry a warning naming them.
 */
export function countForEncoders(
  text: string,
  encoders: string[],
  options: CountOptions = {},
): EncoderCount[] {
  const parsed = parseEmphasis(text);
  const ids = encoders.map(encoderId);
  const withT5 = ids.some((id) => ENCODERS[id]!.kind === "t5" || ENCODERS[id]!.kind === "umt5");
  let clip: { tokens: number; chunks: ClipChunk[]; warning?: string } | undefined;
  return ids.map((id) => {
    const info = ENCODERS[id]!;
    const limit = options.limits?.[id] ?? info.limit;
    if (info.kind === "clip") {
      if (!clip) {
        const chunks = chunksOf(text, parsed, options.chunkRule ?? "comfyui");
        const tokens = chunks.reduce((sum, c) => sum + c.tokens, 0);
        clip = { tokens, chunks };
        if (withT5 && chunks.length > 1) {
          const late = lateImportant(text, parsed, chunks[0]!.end, options.important ?? []);
          if (late.length) {
            clip.warning = `CLIP reads only the first ${CLIP_CHUNK_TOKENS} tokens (77 with start ` +
              `and end); ${late.join(", ")} ${late.length === 1 ? "comes" : "come"} after them, ` +
              `so only T5 sees ${late.length === 1 ? "it" : "them"}. Move ` +
              `${late.length === 1 ? "it" : "them"} nearer the start.`;
          }
        }
      }
      const count: EncoderCount = { encoder: id, tokens: clip.tokens, limit, chunks: clip.chunks };
      if (clip.warning) count.warning = clip.warning;
      return count;
    }
    const tokens = info.kind === "t5" || info.kind === "umt5"
      ? estimateT5Tokens(parsed.text, info.kind)
      : estimateLlmTokens(parsed.text, info.kind);
    return { encoder: id, tokens, limit };
  });
}
