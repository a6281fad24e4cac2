import { crc32, inflateSync } from "node:zlib";
import { imageError } from "./image_error.ts";
import type { ImageText, ImageTexts } from "./image_text.ts";
import { MAX_CHUNKS, MAX_INFLATED_CHUNK, MAX_INFLATED_TOTAL, MAX_TEXT_ENTRIES } from "./limits.ts";
import { latin1, latin1OrUtf8, utf8 } from "./text_decode.ts";

const TEXT_CHUNKS = new Set(["tEXt", "zTXt", "iTXt"]);
/** PNG caps chunk lengths at 2^31 - 1. */
const MAX_PNG_LENGTH = 0x7fffffff;
const MB = 1024 * 1024;

/** How many inflated bytes the file has used so far, against the per-file cap. */
interface InflateBudget {
  used: number;
}

function isChunkType(bytes: Uint8Array): boolean {
  return bytes.every((b) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
}

/** Inflates a zlib stream, stopping (not finishing) once it passes the per-chunk or per-file cap. */
function inflateCapped(data: Uint8Array, keyword: string, budget: InflateBudget): Uint8Array {
  const left = MAX_INFLATED_TOTAL - budget.used;
  if (left <= 0) {
    throw imageError(
      `its compressed text chunks inflate to more than ${
        MAX_INFLATED_TOTAL / MB
      } MB together; refused`,
    );
  }
  const cap = Math.min(MAX_INFLATED_CHUNK, left);
  try {
    const out = inflateSync(data, { maxOutputLength: cap });
    budget.used += out.length;
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (e instanceof RangeError || code === "ERR_BUFFER_TOO_LARGE") {
      const which = cap === MAX_INFLATED_CHUNK
        ? `more than ${MAX_INFLATED_CHUNK / MB} MB`
        : `past the ${MAX_INFLATED_TOTAL / MB} MB allowed for all text chunks together`;
      throw imageError(`the compressed text chunk "${keyword}" inflates to ${which}; refused`);
    }
    throw new InflateFailed(e instanceof Error ? e.message : String(e));
  }
}

class InflateFailed extends Error {}

/** Splits at the first zero byte within `max` bytes; null when there is none. */
function nulTerminated(data: Uint8Array, from: number, max: number): [Uint8Array, number] | null {
  const end = Math.min(data.length, from + max);
  for (let i = from; i < end; i++) {
    if (data[i] === 0) return [data.subarray(from, i), i + 1];
  }
  return null;
}

function parseText(
  type: string,
  data: Uint8Array,
  budget: InflateBudget,
  warnings: string[],
): ImageText | null {
  const head = nulTerminated(data, 0, 80);
  if (!head || head[0].length === 0) {
    warnings.push(`A ${type} chunk has no valid keyword; it was skipped.`);
    return null;
  }
  const [keywordBytes, rest] = head;
  const keyword = latin1(keywordBytes);
  try {
    if (type === "tEXt") return { keyword, text: latin1OrUtf8(data.subarray(rest)), source: type };
    if (type === "zTXt") {
      if (data[rest] !== 0) {
        warnings.push(`The zTXt chunk "${keyword}" uses an unknown compression; it was skipped.`);
        return null;
      }
      const text = latin1OrUtf8(inflateCapped(data.subarray(rest + 1), keyword, budget));
      return { keyword, text, source: type };
    }
    // iTXt: compression flag, method, language tag\0, translated keyword\0, UTF-8 text.
    const compressed = data[rest] === 1;
    if (rest + 2 > data.length || (compressed && data[rest + 1] !== 0)) {
      warnings.push(`The iTXt chunk "${keyword}" is damaged; it was skipped.`);
      return null;
    }
    const lang = nulTerminated(data, rest + 2, data.length);
    const translated = lang && nulTerminated(data, lang[1], data.length);
    if (!lang || !translated) {
      warnings.push(`The iTXt chunk "${keyword}" is damaged; it was skipped.`);
      return null;
    }
    const body = data.subarray(translated[1]);
    const text = utf8(compressed ? inflateCapped(body, keyword, budget) : body);
    const entry: ImageText = { keyword, text, source: "iTXt" };
    if (lang[0].length) entry.language = latin1(lang[0]);
    if (translated[0].length) entry.translatedKeyword = utf8(translated[0]);
    return entry;
  } catch (e) {
    if (!(e instanceof InflateFailed)) throw e;
    warnings.push(`The ${type} chunk "${keyword}" could not be inflated (${e.message}).`);
    return null;
  }
}

/**
 * Reads the text chunks (tEXt, zTXt, iTXt) of a PNG. Structure is checked (every chunk length
 * against the file, a cap on chunks, an IEND at the end) and breaks are errors; a bad CRC or a
 * damaged text chunk is a warning. Compressed text is inflated under a hard cap.
 */
export function readPngText(bytes: Uint8Array): ImageTexts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const texts: ImageText[] = [];
  const warnings: string[] = [];
  const budget: InflateBudget = { used: 0 };
  let chunks = 0;
  let at = 8;
  while (true) {
    if (at + 12 > bytes.length) {
      throw imageError(
        `the PNG ends at byte ${bytes.length} without its IEND chunk; the file is cut short`,
      );
    }
    const length = view.getUint32(at);
    const typeBytes = bytes.subarray(at + 4, at + 8);
    if (!isChunkType(typeBytes)) {
      throw imageError(`the PNG is damaged: no valid chunk type at byte ${at + 4}`);
    }
    const type = latin1(typeBytes);
    if (length > MAX_PNG_LENGTH) {
      throw imageError(
        `the PNG chunk ${type} at byte ${at} declares ${length} bytes, more than PNG allows`,
      );
    }
    const left = bytes.length - at - 12;
    if (length > left) {
      throw imageError(
        `the PNG chunk ${type} at byte ${at} declares ${length} bytes but only ${
          Math.max(left, 0)
        } remain; the file is cut short or damaged`,
      );
    }
    if (type !== "IDAT" && ++chunks > MAX_CHUNKS) {
      throw imageError(`the PNG has more than ${MAX_CHUNKS} chunks besides image data; refused`);
    }
    if (type === "IEND") break;
    if (TEXT_CHUNKS.has(type)) {
      const data = bytes.subarray(at + 8, at + 8 + length);
      // zlib's CRC-32 is native: a JavaScript table loop took about 8 ms per MB of text.
      if (crc32(data, crc32(typeBytes)) !== view.getUint32(at + 8 + length)) {
        warnings.push(`The ${type} chunk at byte ${at} has a bad CRC; its text was read anyway.`);
      }
      if (texts.length >= MAX_TEXT_ENTRIES) {
        throw imageError(`the PNG has more than ${MAX_TEXT_ENTRIES} text chunks; refused`);
      }
      const entry = parseText(type, data, budget, warnings);
      if (entry) texts.push(entry);
    }
    at += 12 + length;
  }
  return { texts, warnings };
}

/**
 * A copy of a PNG with only the chunks its pixels depend on (the critical ones and tRNS), for
 * the codec: it fails on any text chunk over 1 MiB, and a ComfyUI workflow can be larger. The
 * structure is not checked here (`readPngText` does that); a break is copied as it is, for the
 * codec to refuse.
 */
export function pngPixelsOnly(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let at = 8;
  while (at < bytes.length) {
    const end = at + 12 <= bytes.length ? at + 12 + view.getUint32(at) : Infinity;
    if (end > bytes.length) {
      kept.push(bytes.subarray(at));
      break;
    }
    const type = latin1(bytes.subarray(at + 4, at + 8));
    // A chunk is critical when its type starts with an upper-case letter (bit 5 clear).
    if ((bytes[at + 4]! & 0x20) === 0 || type === "tRNS") kept.push(bytes.subarray(at, end));
    if (type === "IEND") break;
    at = end;
  }
  const out = new Uint8Array(kept.reduce((n, part) => n + part.length, 0));
  let o = 0;
  for (const part of kept) (out.set(part, o), o += part.length);
  return out;
}
