import { CLIP_ONE_TOKEN, CLIP_TWO_TOKENS } from "./clip_words.ts";
import {
  accentCost,
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
 * CLIP token estimate without CLIP's vocabulary. The text is cut into the pieces CLIP's own
 * pattern makes (runs of letters, single digits, runs of other symbols, `'s`-style endings), and
 * each piece gets an expected token count from rules measured against the real tokenizer:
 *
 * - English words: the word table (`clip_words.ts`) knows which common prompt words of 7+ letters
 *   are one or two tokens; a plural or `-ing`/`-ed` form of a listed word costs a little more than
 *   one; any other word costs by its length (see EXPECTED_BY_LENGTH).
 * - Words of German, Spanish or French cost more (CLIP's BPE saw little of them): the prompt's
 *   small words ("und", "con", "avec" against "the", "with") say how foreign it reads, and each
 *   accented letter adds about a token (an umlaut or ß more).
 * - Han characters about 2.6 tokens each, kana 1.25, Hangul 1.9, Cyrillic 1.15, others 1.6.
 * - Digits one each; a run of ASCII punctuation one per two characters; an emoji about 1.15.
 *
 * Costs are fractional (expected values) and the total is rounded once, so errors on single words
 * average out over a prompt. Calibrated on scripts/data/clip_calibration_prompts.txt, the
 * presets' phrases and our project docs (English words the table lacks), and ten German,
 * Spanish, French, Japanese and Chinese prompts each, all measured with the real tokenizer; the
 * accuracy corpus (tests/fixtures/token_corpus.ts) was kept out of the calibration.
 */

function decodeFrontCoded(list: string): string[] {
  const words: string[] = [];
  let previous = "";
  for (const entry of list.split(" ")) {
    const shared = entry.charCodeAt(0) - 48;
    previous = shared >= 1 && shared <= 9 ? previous.slice(0, shared) + entry.slice(1) : entry;
    words.push(previous);
  }
  return words;
}

const ONE = new Set(decodeFrontCoded(CLIP_ONE_TOKEN));
const TWO = new Set(decodeFrontCoded(CLIP_TWO_TOKENS));

/**
 * Expected tokens of an English word the table does not list, by length (index = length). Up to 6
 * letters these are means over all prompt words (the table lists none that short: most are one
 * token); from 7 on, means over words the table lacks, which are rarer and split more often.
 * Past the end, each letter adds 0.3.
 */
const EXPECTED_BY_LENGTH = [0, 1, 1, 1, 1.02, 1.1, 1.15, 1.3, 1.38, 1.55, 1.7, 1.8, 2, 2.2, 2.5];

/** Cost of a form of a listed word, by ending (the table leaves such forms out). */
const SUFFIXES: [string, number][] = [
  ["s", 1.08],
  ["es", 1.1],
  ["ing", 1.12],
  ["ed", 1.15],
  ["ly", 1.3],
  ["y", 1.1],
  ["er", 1.2],
];

/** A piece of the prompt as CLIP's pattern cuts it, and its expected token count. */
export interface ClipPiece {
  /** Offset of the piece in the text. */
  start: number;
  end: number;
  tokens: number;
}

const CONTRACTIONS = ["s", "t", "re", "ve", "m", "ll", "d"];

/** Length of a `'s`-style ending at `i` (CLIP matches these before anything else), or 0. */
function contractionAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c !== 39 && c !== 0x2019 && c !== 0x2018) return 0;
  for (const end of CONTRACTIONS) {
    let ok = true;
    for (let k = 0; k < end.length && ok; k++) {
      ok = (text.charCodeAt(i + 1 + k) | 0x20) === end.charCodeAt(k);
    }
    if (ok) return 1 + end.length;
  }
  return 0;
}

interface Word {
  start: number;
  end: number;
  /** Lower-case text when the word is plain ASCII, else null. */
  ascii: string | null;
  han: number;
  kana: number;
  hangul: number;
  cyrillic: number;
  accented: number;
  other: number;
  length: number;
}

/** Tokens of a listed word or a listed word's plural, `-ing` or `-ed` form; 0 when unlisted. */
function listedWordCost(w: string): number {
  if (ONE.has(w)) return 1;
  if (TWO.has(w)) return 2;
  for (const [suffix, cost] of SUFFIXES) {
    if (w.length > suffix.length + 2 && w.endsWith(suffix)) {
      const stem = w.slice(0, -suffix.length);
      if (ONE.has(stem) || (suffix !== "s" && ONE.has(`${stem}e`))) return cost;
    }
  }
  return 0;
}

/** Expected tokens of a word of another Latin-script language, by length. */
function foreignCost(length: number): number {
  return length <= 3 ? 1 : 0.3 * length + 0.1;
}

function unlistedWordCost(length: number, foreign: number): number {
  const last = EXPECTED_BY_LENGTH.length - 1;
  const english = EXPECTED_BY_LENGTH[Math.min(length, last)]! + Math.max(0, length - last) * 0.3;
  return english * (1 - foreign) + foreignCost(length) * foreign;
}

function letterRunCost(w: Word, foreign: number): number {
  if (w.ascii !== null) {
    const listed = w.length >= 5 ? listedWordCost(w.ascii) : 0;
    return listed > 0 ? listed : unlistedWordCost(w.length, foreign);
  }
  const latin = w.length - w.han - w.kana - w.hangul - w.cyrillic - w.other;
  let cost = w.han * 2.6 + w.kana * 1.25 + w.hangul * 1.9 + w.cyrillic * 1.15 + w.other * 1.6;
  if (latin > 0) cost += foreignCost(latin) + w.accented;
  return Math.max(1, cost);
}

function symbolRunCost(ascii: number, emoji: number, otherSymbols: number): number {
  let cost = 0;
  if (ascii > 0) cost += ascii <= 2 ? 1 : 1 + (ascii - 2) / 2;
  cost += emoji + otherSymbols * 1.2;
  return Math.max(1, cost);
}

/**
 * Cuts `text` into CLIP's pieces and gives each its expected token count. Linear in the text:
 * one pass to find the pieces, one to price the letter runs once the prompt's language is known.
 */
export function clipPieces(text: string): ClipPiece[] {
  const pieces: ClipPiece[] = [];
  const words: { word: Word; index: number }[] = [];
  let english = 0;
  let foreignWords = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const raw = text.codePointAt(i)!;
    const c = folded(raw);
    const width = raw > 0xffff ? 2 : 1;
    const cls = classify(c);
    if (cls === Cls.Space) {
      i += width;
      continue;
    }
    const contraction = contractionAt(text, i);
    if (contraction > 0) {
      pieces.push({ start: i, end: i + contraction, tokens: 1 });
      i += contraction;
      continue;
    }
    const start = i;
    if (cls === Cls.Digit) {
      i += width;
      pieces.push({ start, end: i, tokens: 1 });
      continue;
    }
    if (cls === Cls.Letter) {
      const word: Word = {
        start,
        end: start,
        ascii: "",
        han: 0,
        kana: 0,
        hangul: 0,
        cyrillic: 0,
        accented: 0,
        other: 0,
        length: 0,
      };
      let asciiOnly = true;
      let folds = false;
      while (i < n) {
        const r = text.charCodeAt(i);
        if ((r >= 97 && r <= 122) || (r >= 65 && r <= 90)) {
          // The common case: a plain ASCII letter.
          word.length++;
          i++;
          continue;
        }
        const full = text.codePointAt(i)!;
        const f = folded(full);
        if (classify(f) !== Cls.Letter) break;
        word.length++;
        if (f < 128) folds = true;
        else {
          asciiOnly = false;
          if (isAccentedLatin(f)) word.accented += accentCost(f);
          else if (isKana(f)) word.kana++;
          else if (isHan(f)) word.han++;
          else if (f >= 0xac00 && f <= 0xd7af) word.hangul++;
          else if (f >= 0x400 && f <= 0x4ff) word.cyrillic++;
          else word.other++;
        }
        i += full > 0xffff ? 2 : 1;
      }
      word.end = i;
      if (!asciiOnly) word.ascii = null;
      else if (!folds) word.ascii = text.slice(start, i).toLowerCase();
      else {
        let lowered = "";
        for (const ch of text.slice(start, i)) {
          lowered += String.fromCharCode(folded(ch.codePointAt(0)!) | 0x20);
        }
        word.ascii = lowered;
      }
      if (word.ascii !== null) {
        if (ENGLISH_GLUE.has(word.ascii)) english++;
        else if (FOREIGN_GLUE.has(word.ascii)) foreignWords++;
      } else if (word.accented > 0) foreignWords++;
      words.push({ word, index: pieces.length });
      pieces.push({ start, end: i, tokens: 0 });
      continue;
    }
    let ascii = 0;
    let emoji = 0;
    let other = 0;
    while (i < n) {
      const r = text.codePointAt(i)!;
      const f = folded(r);
      if (classify(f) !== Cls.Symbol) break;
      // A joiner or skin tone merges into its emoji; a variation selector sometimes does.
      if (f < 128) ascii++;
      else if (f === 0xfe0f) emoji += 0.3;
      else if (f === 0x200d || (f >= 0x1f3fb && f <= 0x1f3ff)) emoji += 0;
      else if (isEmoji(f)) emoji += 1.15;
      else other++;
      i += r > 0xffff ? 2 : 1;
    }
    pieces.push({ start, end: i, tokens: symbolRunCost(ascii, emoji, other) });
  }
  // How foreign the prompt reads, from its small words and accents: unknown words of German,
  // Spanish or French cost more than unknown English ones.
  const foreign = foreignWords + english > 0 ? foreignWords / (foreignWords + english) : 0;
  for (const { word, index } of words) pieces[index]!.tokens = letterRunCost(word, foreign);
  return pieces;
}
