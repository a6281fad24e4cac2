import { Buffer } from "node:buffer";
import { crc32, deflateSync } from "node:zlib";

const encoder = new TextEncoder();

/** Options that let a test write a broken chunk on purpose. */
export interface ChunkOptions {
  /** Write a CRC that does not match. */
  badCrc?: boolean;
  /** Declare this length instead of the data's real one. */
  declaredLength?: number;
}

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

/** One PNG chunk: length, type, data, CRC (zlib's CRC-32). */
export function pngChunk(type: string, data: Uint8Array, options: ChunkOptions = {}): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, options.declaredLength ?? data.length);
  out.set(latin1Bytes(type), 4);
  out.set(data, 8);
  const crc = crc32(Buffer.from(out.subarray(4, 8 + data.length)));
  view.setUint32(8 + data.length, options.badCrc ? (crc ^ 0xdeadbeef) >>> 0 : crc);
  return out;
}

/** A tEXt chunk: Latin-1 keyword and text. */
export function textChunk(keyword: string, text: string, options?: ChunkOptions): Uint8Array {
  return pngChunk(
    "tEXt",
    concat([latin1Bytes(keyword), Uint8Array.of(0), latin1Bytes(text)]),
    options,
  );
}

/** A zTXt chunk; `compressed` replaces the deflated text (for zip bombs). */
export function ztxtChunk(keyword: string, text: string, compressed?: Uint8Array): Uint8Array {
  const body = compressed ?? new Uint8Array(deflateSync(Buffer.from(latin1Bytes(text))));
  return pngChunk("zTXt", concat([latin1Bytes(keyword), Uint8Array.of(0, 0), body]));
}

/** An iTXt chunk, compressed or not, with an optional language tag and translated keyword. */
export function itxtChunk(
  keyword: string,
  text: string,
  options: { compressed?: boolean; language?: string; translated?: string } = {},
): Uint8Array {
  const utf8 = encoder.encode(text);
  const body = options.compressed ? new Uint8Array(deflateSync(Buffer.from(utf8))) : utf8;
  return pngChunk(
    "iTXt",
    concat([
      latin1Bytes(keyword),
      Uint8Array.of(0, options.compressed ? 1 : 0, 0),
      latin1Bytes(options.language ?? ""),
      Uint8Array.of(0),
      encoder.encode(options.translated ?? ""),
      Uint8Array.of(0),
      body,
    ]),
  );
}

/** IHDR for an 8-bit image; colour type 6 is RGBA, 2 is RGB. */
export function ihdr(width: number, height: number, colorType = 6): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data[8] = 8;
  data[9] = colorType;
  return pngChunk("IHDR", data);
}

/** A test pattern: a diagonal gradient, with alpha falling off to the right when `alpha`. */
export function gradient(width: number, height: number, alpha = false): Uint8Array {
  const px = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      px[i] = Math.round((x / Math.max(1, width - 1)) * 255);
      px[i + 1] = Math.round((y / Math.max(1, height - 1)) * 255);
      px[i + 2] = 128;
      px[i + 3] = alpha ? 255 - Math.round((x / Math.max(1, width - 1)) * 255) : 255;
    }
  }
  return px;
}

/** PNG parts a test can take apart and put together in another order. */
export interface PngParts {
  signature: Uint8Array;
  header: Uint8Array;
  data: Uint8Array;
  end: Uint8Array;
}

/** The chunks of a real RGBA PNG with `pixels` (a gradient unless given). */
export function pngParts(width: number, height: number, pixels?: Uint8Array): PngParts {
  const rgba = pixels ?? gradient(width, height);
  const raw = new Uint8Array(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  return {
    signature: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    header: ihdr(width, height),
    data: pngChunk("IDAT", new Uint8Array(deflateSync(Buffer.from(raw)))),
    end: pngChunk("IEND", new Uint8Array(0)),
  };
}

/** A valid PNG with the given extra chunks between the header and the image data. */
export function makePng(
  width: number,
  height: number,
  extra: Uint8Array[] = [],
  pixels?: Uint8Array,
): Uint8Array {
  const p = pngParts(width, height, pixels);
  return concat([p.signature, p.header, ...extra, p.data, p.end]);
}

/** Byte arrays joined. */
export function joinBytes(...parts: Uint8Array[]): Uint8Array {
  return concat(parts);
}
