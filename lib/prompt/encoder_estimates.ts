import {
  classify,
  Cls,
  ENGLISH_GLUE,
  folded,
  FOREIGN_GLUE,
  isAccentedLatin,
  isEmoji,
  isHan,
  isKana,
} from "./script_classes.ts";

/**
 * Token estimates for the other text encoders, from a handful of counts over the text: words,
 * letters past the eighth of a word, punctuation, digits, Han and kana characters, words with
 * accents, words of a foreign-reading prompt and emoji. Each encoder has its own rate per count.
 * Special tokens (BOS, EOS, chat templates) are not included.
 */

/** What the estimators count in a text. */
interface TextStats {
  words: number;
  longExtra: number;
  punctuation: number;
  digits: number;
  han: number;
  kana: number;
  accentedWords: number;
  emoji: number;
  /** Words weighted by how foreign the prompt reads (0 for English, all words for German). */
  foreignWords: number;
}

type Rates = { [K in keyof TextStats]: number };

/**
 * Qwen2.5-VL (Qwen-Image). Least-squares fit of the real Qwen tokenizer (the 151k BPE vocabulary
 * Qwen2.5 and Qwen3 share) on our calibration prompts: 24 English and 10 each of German, Spanish,
 * French, Japanese, Chinese and emoji; on the accuracy corpus its mean error was 6.7%.
 */
const QWEN: Rates = {
  words: 1.02,
  longExtra: 0.48,
  punctuation: 1.03,
  digits: 0.88,
  han: 0.69,
  kana: 0.8,
  accentedWords: 1.38,
  emoji: 1.5,
  foreignWords: 0.38,
};

/** Llama 3.1 (HiDream). The same fit with the real Llama 3.1 tokenizer; corpus mean error 5.5%. */
const LLAMA: Rates = {
  words: 1.03,
  longExtra: 0.47,
  punctuation: 0.98,
  digits: 1.05,
  han: 1.03,
  kana: 0.74,
  accentedWords: 1.54,
  emoji: 2.48,
  foreignWords: 0.37,
};

/**
 * T5-XXL (Flux, SD 3.5, Chroma). Not measured: no T5 vocabulary is available to this project. T5's
 * 32k SentencePiece vocabulary was trained on English with German, French and Romanian, so it
 * splits long English words more than the 128k BPE vocabularies above (words and longExtra a
 * little higher) but handles accents better; it has almost no CJK or emoji pieces, which come out
 * one unknown token per character. Treat it as ±15%.
 */
const T5: Rates = {
  words: 1.15,
  longExtra: 0.5,
  punctuation: 1,
  digits: 1,
  han: 1,
  kana: 1,
  accentedWords: 0.5,
  emoji: 1,
  foreignWords: 0.3,
};

/**
 * umT5-XXL (WAN). Not measured either: its 256k vocabulary covers a hundred languages, so foreign
 * words and CJK cost about what English costs in the LLM vocabularies.
 */
const UMT5: Rates = {
  words: 1.1,
  longExtra: 0.4,
  punctuation: 1,
  digits: 1,
  han: 0.8,
  kana: 0.9,
  accentedWords: 0.4,
  emoji: 1,
  foreignWords: 0.2,
};

function textStats(text: string): TextStats {
  const s: TextStats = {
    words: 0,
    longExtra: 0,
    punctuation: 0,
    digits: 0,
    han: 0,
    kana: 0,
    accentedWords: 0,
    emoji: 0,
    foreignWords: 0,
  };
  let english = 0;
  let foreign = 0;
  let latinWords = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const raw = text.codePointAt(i)!;
    const c = folded(raw);
    const cls = classify(c);
    if (cls !== Cls.Letter) {
      if (cls === Cls.Digit) s.digits++;
      else if (cls === Cls.Symbol) {
        if (isEmoji(c)) s.emoji++;
        else if (c !== 0xfe0f && c !== 0x200d) s.punctuation++;
      }
      i += raw > 0xffff ? 2 : 1;
      continue;
    }
    // A run of letters: Han and kana count per character, Latin runs as words.
    let latin = 0;
    let accented = false;
    let short = "";
    while (i < n) {
      const r = text.codePointAt(i)!;
      const f = folded(r);
      if (classify(f) !== Cls.Letter) break;
      if (isHan(f)) s.han++;
      else if (isKana(f)) s.kana++;
      else {
        latin++;
        if (isAccentedLatin(f)) accented = true;
        if (latin <= 7) short += String.fromCharCode(f < 128 ? f | 0x20 : 0);
      }
      i += r > 0xffff ? 2 : 1;
    }
    if (latin === 0) continue;
    s.words++;
    latinWords++;
    s.longExtra += Math.max(0, latin - 8);
    if (accented) {
      s.accentedWords++;
      foreign++;
    } else if (latin <= 7 && FOREIGN_GLUE.has(short)) foreign++;
    else if (latin <= 7 && ENGLISH_GLUE.has(short)) english++;
  }
  s.foreignWords = foreign + english > 0 ? latinWords * foreign / (foreign + english) : 0;
  return s;
}

function apply(stats: TextStats, rates: Rates): number {
  let total = 0;
  for (const key of Object.keys(rates) as (keyof TextStats)[]) total += stats[key] * rates[key];
  return Math.round(total);
}

/** The families of LLM text encoders we estimate. */
export type LlmFamily = "qwen2.5" | "llama3";

/** Estimated T5 tokens: `t5` for T5-XXL (Flux, SD 3.5, Chroma), `umt5` for umT5-XXL (WAN). */
export function estimateT5Tokens(text: string, variant: "t5" | "umt5" = "t5"): number {
  return apply(textStats(text), variant === "umt5" ? UMT5 : T5);
}

/** Estimated tokens for an LLM text encoder: Qwen2.5-VL (Qwen-Image) or Llama 3.1 (HiDream). */
export function estimateLlmTokens(text: string, family: LlmFamily): number {
  return apply(textStats(text), family === "qwen2.5" ? QWEN : LLAMA);
}
