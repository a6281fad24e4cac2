/** Character classes and language hints shared by the token estimators. */

/** Small words that mark English text. */
export const ENGLISH_GLUE = new Set(
  ("the and with of on at her his its is are from by under over into through behind while " +
    "their for to that this near across").split(" "),
);

/** Small words that mark German, Spanish, French, Italian or Portuguese text. */
export const FOREIGN_GLUE = new Set(
  ("der das und mit ein eine einer einem einen auf dem des von zu bei vor aus sich ist nicht im " +
    "el los las y con una del por para sobre al de es le les des du et une au aux dans sur avec " +
    "pour sous il della nel os da dos em na com uma").split(" "),
);

const LETTER = /\p{L}/u;
const NUMBER = /\p{N}/u;

/** What CLIP's split pattern makes of a character. */
export const enum Cls {
  Space,
  Letter,
  Digit,
  Symbol,
}

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** CLIP's clean-up folds full-width ASCII to ASCII (ftfy); we classify by the folded character. */
export function folded(c: number): number {
  return c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c;
}

/** The class of a (folded) code point: `\s`, `\p{L}`, `\p{N}` or anything else. */
export function classify(c: number): Cls {
  if (c < 128) {
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return Cls.Letter;
    if (c >= 48 && c <= 57) return Cls.Digit;
    if (c === 32 || (c >= 9 && c <= 13)) return Cls.Space;
    return Cls.Symbol;
  }
  if (isSpaceCode(c)) return Cls.Space;
  if (
    (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x3040 && c <= 0x30ff) ||
    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af)
  ) return Cls.Letter;
  const ch = String.fromCodePoint(c);
  if (LETTER.test(ch)) return Cls.Letter;
  if (NUMBER.test(ch)) return Cls.Digit;
  return Cls.Symbol;
}

/** German umlauts and ß merge less often in BPE vocabularies than the Romance accents. */
export function accentCost(c: number): number {
  const lower = c | 0x20;
  return lower === 0xe4 || lower === 0xf6 || lower === 0xfc || c === 0xdf ? 1.5 : 0.8;
}

/** True for Han ideographs (including the supplementary planes). */
export function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3ffff);
}

/** True for hiragana and katakana. */
export function isKana(c: number): boolean {
  return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x31f0 && c <= 0x31ff) ||
    (c >= 0xff65 && c <= 0xff9f);
}

/** True for Latin letters with accents (Latin-1 Supplement, Extended-A/B, Extended Additional). */
export function isAccentedLatin(c: number): boolean {
  return (c >= 0xc0 && c <= 0x24f) || (c >= 0x1e00 && c <= 0x1eff);
}

/** True for code points that render as emoji or pictographs. */
export function isEmoji(c: number): boolean {
  return c > 0xffff || (c >= 0x2600 && c <= 0x27bf) || (c >= 0x2b00 && c <= 0x2bff);
}
