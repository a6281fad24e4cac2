import { gunzipSync } from "node:zlib";

/**
 * The real CLIP text tokenizer (openai/CLIP `simple_tokenizer.py`), for tests only: it measures the
 * product's estimate against the true count. The product does not ship the vocabulary.
 *
 * Text is cleaned the way CLIP's `basic_clean` does with ftfy's defaults that matter for prompts
 * (NFC, full-width ASCII to ASCII, curly quotes to straight ones, Latin ligatures split, HTML
 * entities unescaped twice), whitespace is collapsed and the text lower-cased, then split with
 * CLIP's pattern; each piece is mapped byte by byte to GPT-2's printable characters, its last
 * symbol marked `</w>`, and merged pair by pair in the order of the merge list.
 */

const VOCAB_URL = new URL("../fixtures/clip/bpe_simple_vocab_16e6.txt.gz", import.meta.url);

/** How many merges CLIP uses: 49,152 tokens less the 256 bytes, their 256 `</w>` forms and 2 specials, +1. */
const MERGES_USED = 49152 - 256 - 2 + 1;

/** `<|startoftext|>`, the first id of every encoded prompt. */
export const START_OF_TEXT = 49406;
/** `<|endoftext|>`, the last id of every encoded prompt (and SD's padding). */
export const END_OF_TEXT = 49407;

const SPLIT =
  /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;

/** GPT-2's map from each byte to a printable character, so BPE never sees whitespace or controls. */
function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map: string[] = new Array(256);
  for (const b of printable) map[b] = String.fromCodePoint(b);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (map[b] === undefined) map[b] = String.fromCodePoint(256 + next++);
  }
  return map;
}

/** Byte characters in the order CLIP's vocabulary lists them (the printable ranges first). */
function byteVocabOrder(map: string[]): string[] {
  const order: string[] = [];
  const seen = new Set<number>();
  const push = (b: number) => {
    if (!seen.has(b)) (seen.add(b), order.push(map[b]!));
  };
  for (let b = 0x21; b <= 0x7e; b++) push(b);
  for (let b = 0xa1; b <= 0xac; b++) push(b);
  for (let b = 0xae; b <= 0xff; b++) push(b);
  for (let b = 0; b < 256; b++) push(b);
  return order;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X"
        ? parseInt(body.slice(2), 16)
        : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** The parts of ftfy's `fix_text` that change prompts: widths, quotes, ligatures, NFC. */
function fixText(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0x3000) out += " ";
    else if (c >= 0xff01 && c <= 0xff5e) out += String.fromCodePoint(c - 0xfee0);
    else if ((c >= 0xff65 && c <= 0xff9f) || (c >= 0xfb00 && c <= 0xfb06)) {
      out += ch.normalize("NFKC");
    } else if (c === 0x02bc || (c >= 0x2018 && c <= 0x201b)) out += "'";
    else if (c >= 0x201c && c <= 0x201f) out += '"';
    else out += ch;
  }
  return out.normalize("NFC");
}

/** CLIP's text clean-up before splitting: ftfy, HTML entities twice, whitespace, lower case. */
export function cleanForClip(text: string): string {
  return unescapeHtml(unescapeHtml(fixText(text))).replace(/\s+/g, " ").trim().toLowerCase();
}

/** A loaded CLIP tokenizer. */
export class ClipBpe {
  readonly #encoder = new Map<string, number>();
  readonly #decoder: string[] = [];
  readonly #ranks = new Map<string, number>();
  readonly #byteMap = bytesToUnicode();
  readonly #cache = new Map<string, string[]>();
  readonly #utf8 = new TextEncoder();

  constructor(mergeList: string) {
    const lines = mergeList.split("\n").slice(1, MERGES_USED);
    const vocab = byteVocabOrder(this.#byteMap);
    const words = vocab.map((v) => `${v}</w>`);
    vocab.push(...words);
    lines.forEach((line, rank) => {
      const [a, b] = line.split(" ");
      this.#ranks.set(`${a} ${b}`, rank);
      vocab.push(`${a}${b}`);
    });
    vocab.push("<|startoftext|>", "<|endoftext|>");
    vocab.forEach((v, id) => {
      this.#encoder.set(v, id);
      this.#decoder.push(v);
    });
  }

  /** The BPE symbols of one pre-split piece (already byte-mapped). */
  #bpe(piece: string): string[] {
    const cached = this.#cache.get(piece);
    if (cached) return cached;
    const chars = [...piece];
    let word = [...chars.slice(0, -1), `${chars.at(-1)}</w>`];
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < word.length - 1; i++) {
        const rank = this.#ranks.get(`${word[i]} ${word[i + 1]}`);
        if (rank !== undefined && rank < bestRank) (bestRank = rank, best = i);
      }
      if (best < 0) break;
      const first = word[best]!;
      const second = word[best + 1]!;
      const merged: string[] = [];
      for (let i = 0; i < word.length;) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
          merged.push(first + second);
          i += 2;
        } else merged.push(word[i++]!);
      }
      word = merged;
    }
    this.#cache.set(piece, word);
    return word;
  }

  /** The token strings of `text`, without the start and end tokens. */
  tokens(text: string): string[] {
    const out: string[] = [];
    for (const m of cleanForClip(text).matchAll(SPLIT)) {
      const piece = m[0];
      if (piece === "<|startoftext|>" || piece === "<|endoftext|>") {
        out.push(piece);
        continue;
      }
      let mapped = "";
      for (const byte of this.#utf8.encode(piece)) mapped += this.#byteMap[byte];
      out.push(...this.#bpe(mapped));
    }
    return out;
  }

  /** Token ids of `text` with `<|startoftext|>` and `<|endoftext|>` around them, as CLIP feeds its model. */
  encode(text: string): number[] {
    return [START_OF_TEXT, ...this.tokens(text).map((t) => this.#encoder.get(t)!), END_OF_TEXT];
  }

  /** How many tokens `text` is, without the start and end tokens (what A1111 and ComfyUI show). */
  count(text: string): number {
    return this.tokens(text).length;
  }

  /** The token string of an id (for messages in failing tests). */
  decode(id: number): string {
    return this.#decoder[id] ?? "?";
  }
}

let shared: ClipBpe | undefined;

/** The tokenizer built from the fixture vocabulary; loaded once per test process. */
export function loadClipBpe(): ClipBpe {
  if (!shared) {
    const text = new TextDecoder().decode(gunzipSync(Deno.readFileSync(VOCAB_URL)));
    shared = new ClipBpe(text);
  }
  return shared;
}
