import { imageError } from "./image_error.ts";
import type { ImageText } from "./image_text.ts";
import { MAX_IFD_ENTRIES } from "./limits.ts";
import { latin1, latin1OrUtf8, trimNul } from "./text_decode.ts";

const TYPE_SIZES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
};
const TAG_EXIF_IFD = 0x8769;
const TAG_USER_COMMENT = 0x9286;
const TAG_XP_COMMENT = 0x9c9c;
/** IFD0 text tags. ComfyUI's WebP writer stores "prompt:{…}" in Model and "workflow:{…}" in Make. */
const ASCII_TAGS: Record<number, string> = {
  0x010e: "ImageDescription",
  0x010f: "Make",
  0x0110: "Model",
  0x8298: "Copyright",
};
/** A keyword prefix like ComfyUI's "prompt:" or "workflow:", followed by JSON. */
const PREFIXED_JSON_REGEXP = /^([A-Za-z_][A-Za-z0-9_ ]{0,40}):\s*[[{]/;

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Where the value's bytes start in the TIFF block, already bounds-checked. */
  at: number;
  size: number;
}

class Tiff {
  readonly view: DataView;
  readonly little: boolean;
  readonly visited = new Set<number>();

  constructor(readonly bytes: Uint8Array) {
    if (bytes.length < 8) throw imageError("the Exif block is cut short");
    const order = latin1(bytes.subarray(0, 2));
    if (order !== "II" && order !== "MM") {
      throw imageError("the Exif block has no TIFF byte-order mark (II or MM)");
    }
    this.little = order === "II";
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.u16(2) !== 42) throw imageError("the Exif block has a bad TIFF header");
  }

  u16(at: number): number {
    return this.view.getUint16(at, this.little);
  }

  u32(at: number): number {
    return this.view.getUint32(at, this.little);
  }

  /** The entries of the directory at `offset`, refusing offsets outside the block and loops. */
  directory(offset: number, name: string): Entry[] {
    if (this.visited.has(offset)) {
      throw imageError(`the Exif directories form a loop (${name} points back to ${offset})`);
    }
    this.visited.add(offset);
    if (offset < 8 || offset + 2 > this.bytes.length) {
      throw imageError(
        `the Exif ${name} directory is at offset ${offset}, outside the ${this.bytes.length}-byte Exif block`,
      );
    }
    const count = this.u16(offset);
    if (count > MAX_IFD_ENTRIES) {
      throw imageError(`the Exif ${name} directory declares ${count} entries; refused`);
    }
    if (offset + 2 + count * 12 > this.bytes.length) {
      throw imageError(`the Exif ${name} directory runs past the end of the Exif block`);
    }
    const entries: Entry[] = [];
    for (let i = 0; i < count; i++) {
      const e = offset + 2 + i * 12;
      const type = this.u16(e + 2);
      const unit = TYPE_SIZES[type];
      if (!unit) continue; // unknown types are skipped, as the TIFF spec asks
      const count = this.u32(e + 4);
      const size = unit * count;
      const at = size <= 4 ? e + 8 : this.u32(e + 8);
      entries.push({ tag: this.u16(e), type, count, at, size });
    }
    return entries;
  }

  /** The bytes of an entry we want to read; an entry pointing outside the block is an error. */
  value(entry: Entry, name: string): Uint8Array {
    if (entry.at + entry.size > this.bytes.length) {
      throw imageError(
        `the Exif ${name} value (${entry.size} bytes at offset ${entry.at}) lies outside the ${this.bytes.length}-byte Exif block`,
      );
    }
    return this.bytes.subarray(entry.at, entry.at + entry.size);
  }
}

/** UTF-16 text whose byte order is given by a BOM, else guessed from where ASCII's zero bytes sit. */
function utf16(bytes: Uint8Array, fallbackLittle: boolean): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16As(bytes.subarray(2), false);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16As(bytes.subarray(2), true);
  let evenZeros = 0;
  let oddZeros = 0;
  const n = Math.min(bytes.length, 2048);
  for (let i = 0; i + 1 < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const little = evenZeros === oddZeros ? fallbackLittle : oddZeros > evenZeros;
  return utf16As(bytes, little);
}

function utf16As(bytes: Uint8Array, little: boolean): string {
  return new TextDecoder(little ? "utf-16le" : "utf-16be").decode(
    bytes.subarray(0, bytes.length - (bytes.length % 2)),
  );
}

/**
 * Decodes an Exif UserComment from its 8-byte character-code prefix. "UNICODE\0" is UTF-16;
 * piexif (and so A1111 and Forge) writes it big-endian whatever the TIFF byte order, others
 * follow the TIFF order, so a BOM or the position of zero bytes decides.
 */
export function decodeUserComment(bytes: Uint8Array, tiffLittleEndian = false): string {
  if (bytes.length < 8) return trimNul(latin1OrUtf8(bytes));
  const prefix = latin1(bytes.subarray(0, 8));
  const body = bytes.subarray(8);
  if (prefix === "UNICODE\0") return trimNul(utf16(body, tiffLittleEndian));
  if (prefix === "JIS\0\0\0\0\0") return trimNul(new TextDecoder("shift_jis").decode(body));
  if (prefix === "ASCII\0\0\0" || prefix === "\0\0\0\0\0\0\0\0") {
    return trimNul(latin1OrUtf8(body));
  }
  return trimNul(latin1OrUtf8(bytes));
}

/** An IFD0 string, or a ComfyUI-style "keyword:{json}" one split into keyword and text. */
function asciiText(name: string, raw: string): ImageText {
  const text = trimNul(raw);
  const m = PREFIXED_JSON_REGEXP.exec(text);
  if (m) {
    return { keyword: m[1]!, text: text.slice(m[1]!.length + 1).trimStart(), source: "exif-ascii" };
  }
  return { keyword: name, text, source: "exif-ascii" };
}

/**
 * Reads the text of an Exif (TIFF) block: IFD0's description-like strings and XPComment, and the
 * Exif directory's UserComment. Every offset is checked against the block; loops are refused.
 */
export function readExifTexts(tiffBytes: Uint8Array): ImageText[] {
  const tiff = new Tiff(tiffBytes);
  const texts: ImageText[] = [];
  const ifd0 = tiff.directory(tiff.u32(4), "IFD0");
  let exifOffset: number | null = null;
  for (const entry of ifd0) {
    const name = ASCII_TAGS[entry.tag];
    if (name && entry.type === 2) {
      texts.push(asciiText(name, latin1OrUtf8(tiff.value(entry, name))));
    } else if (entry.tag === TAG_XP_COMMENT && entry.type === 1) {
      const text = trimNul(utf16As(tiff.value(entry, "XPComment"), true));
      texts.push({ keyword: "XPComment", text, source: "exif-ascii" });
    } else if (
      entry.tag === TAG_EXIF_IFD && entry.size === 4 && (entry.type === 4 || entry.type === 13)
    ) {
      exifOffset = tiff.u32(entry.at);
    }
  }
  if (exifOffset !== null) {
    for (const entry of tiff.directory(exifOffset, "ExifIFD")) {
      if (entry.tag !== TAG_USER_COMMENT) continue;
      const text = decodeUserComment(tiff.value(entry, "UserComment"), tiff.little);
      if (text.trim()) {
        texts.push({ keyword: "UserComment", text, source: "exif-user-comment" });
      }
    }
  }
  return texts;
}
