import { equal } from "node:assert/strict";
import { fold, matchesAll, parseSearch, relevance, rowTexts, snippet } from "./search.ts";
import { seededRandom } from "../prompt/random.ts";

// The plain definitions the fast functions must agree with: split each text into its folded
// words, then compare word by word.
const WORD = /[\p{L}\p{N}_]+/gu;
const OWN_WORD =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]|\p{Extended_Pictographic}/u;
const tokens = (text: string) => fold(text).match(WORD) ?? [];
const isRun = (w: string) => OWN_WORD.test(w);

function plainHits(text: string, words: string[]): number {
  const ts = tokens(text);
  let score = 0;
  words.forEach((w, i) => {
    if (isRun(w)) {
      score += 1.5 * (fold(text).split(w).length - 1);
      return;
    }
    for (const t of ts) {
      if (t === w) score += 1.5;
      else if (i === words.length - 1 && t.startsWith(w)) score += 1;
    }
  });
  return score / Math.log2(2 + ts.length / 8);
}

function plainMatchesAll(e: { user_input: string; positive: string }, words: string[]): boolean {
  const text = `${fold(e.user_input)}\n${fold(e.positive)}`;
  const ts = [...tokens(e.user_input), ...tokens(e.positive)];
  return words.every((w, i) =>
    isRun(w)
      ? text.includes(w)
      : ts.includes(w) || (i === words.length - 1 && ts.some((t) => t.startsWith(w)))
  );
}

function plainSnippet(e: { user_input: string; positive: string }, words: string[]): string {
  const span = 16;
  const source = plainHits(e.user_input, words) > 0 ? e.user_input : e.positive;
  const plain = words.filter((w) => !isRun(w));
  const runs = words.filter(isRun);
  const isHit = (word: string) => {
    const f = fold(word);
    return plain.some((w) => f === w || (w === words.at(-1) && f.startsWith(w)));
  };
  const mark = (token: string) =>
    runs.reduce(
      (t, w) => t.split(w).join(`[[${w}]]`),
      token.replace(WORD, (w) => (isHit(w) ? `[[${w}]]` : w)),
    );
  const tokens = source.split(/\s+/).filter(Boolean);
  const first = Math.max(
    0,
    tokens.findIndex((t) =>
      runs.some((w) => fold(t).includes(w)) || (t.match(WORD) ?? []).some(isHit)
    ),
  );
  const start = Math.max(0, first - Math.floor(span / 3));
  const body = tokens.slice(start, start + span).map(mark).join(" ");
  return `${start > 0 ? "… " : ""}${body}${start + span < tokens.length ? " …" : ""}`;
}

const PIECES = [
  "lighthouse",
  "Lighthouses",
  "light_house",
  "a",
  "at",
  "dawn",
  "DAWN",
  "neon",
  "ne0n",
  "x2",
  "café",
  "Café",
  "CAFE",
  "Zürich",
  "zurich",
  "naïve",
  "ﬁre",
  "Straße",
  "東京",
  "夜景",
  "猫",
  "🦊",
  "👍🏽",
  "ภาพแมว",
  "İstanbul",
  "ΣΟΦΙΑ",
  "highly",
  "detailed",
  "de",
  "_",
  "__init__",
  "42",
];
const GLUE = [" ", ", ", "-", "_", "(", ":1.2) ", "\n", "  ", "", ".", "'", "é", "9", "\t "];

const ASCII_PIECES = PIECES.filter((p) => /^\p{ASCII}*$/u.test(p));
const ASCII_GLUE = GLUE.filter((g) => /^\p{ASCII}*$/u.test(g));

/** Random text of `n` pieces; ASCII only when asked (most prompts are). */
function text(rand: () => number, n: number, ascii: boolean): string {
  const pieces = ascii ? ASCII_PIECES : PIECES;
  const glue = ascii ? ASCII_GLUE : GLUE;
  let s = rand() < 0.1 ? " " : "";
  for (let i = 0; i < n; i++) {
    s += pieces[Math.floor(rand() * pieces.length)]! + glue[Math.floor(rand() * glue.length)]!;
  }
  return s;
}

Deno.test("filtering, ranking and snippets agree with the word-by-word definitions on random texts and searches", () => {
  const rand = seededRandom(2026);
  let compared = 0;
  let matched = 0;
  for (let n = 0; n < 4000; n++) {
    const ascii = rand() < 0.6;
    const entry = {
      user_input: text(rand, 1 + Math.floor(rand() * 6), ascii && rand() < 0.8),
      positive: text(rand, Math.floor(rand() * 40), ascii),
    };
    const q = text(rand, 1 + Math.floor(rand() * 3), rand() < 0.7)
      .slice(0, 1 + Math.floor(rand() * 20));
    const search = parseSearch(q);
    if (!search || !search.words.length) continue;
    const known = rowTexts(entry);
    const label = JSON.stringify({ entry, q });
    const expected = plainMatchesAll(entry, search.words);
    equal(matchesAll(known, search.words), expected, label);
    equal(
      relevance(known, search.words),
      3 * plainHits(entry.user_input, search.words) + plainHits(entry.positive, search.words),
      label,
    );
    equal(snippet(entry, search.words, 16, known), plainSnippet(entry, search.words), label);
    compared++;
    if (expected) matched++;
  }
  // The random searches must both hit and miss, or the comparison proves little.
  equal(
    compared > 3000 && matched > 500 && compared - matched > 500,
    true,
    `${matched}/${compared}`,
  );
});
