import { MAX_CHUNKS } from "./limits.ts";

/** The image formats we read. */
export type ImageFormat = "png" | "jpeg" | "webp";

/** What the first bytes of a supported image tell: its format and size. */
export interface ImageKind {
  format: ImageFormat;
  mime: "image/png" | "image/jpeg" | "image/webp";
  width: number;
  height: number;
}

/** A file we do not read, and why. */
export interface Unsupported {
  format: "unsupported";
  reason: string;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const SUPPORTED = "use a PNG, JPEG or WebP image";
/** JPEG start-of-frame markers: every SOFn except DHT (C4), JPG (C8) and DAC (CC). */
const SOF_MARKERS = new Set([
  0xc0,
  0xc1,
  0xc2,
  0xc3,
  0xc5,
  0xc6,
  0xc7,
  0xc9,
  0xca,
  0xcb,
  0xcd,
  0xce,
  0xcf,
]);

function startsWith(bytes: Uint8Array, prefix: number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  if (bytes.length < at + length) return "";
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function unsupported(reason: string): Unsupported {
  return { format: "unsupported", reason };
}

/** Names formats we recognise but do not read, so the user knows what they uploaded. */
function otherFormat(bytes: Uint8Array): string | null {
  const head = ascii(bytes, 0, 4);
  if (head === "GIF8") return "a GIF image";
  if (head.startsWith("BM")) return "a BMP image";
  if (head === "II*\0" || head === "MM\0*") return "a TIFF image";
  if (head === "RIFF") return `a RIFF file of type "${ascii(bytes, 8, 4)}", not WebP`;
  if (ascii(bytes, 4, 4) === "ftyp") {
    const brand = ascii(bytes, 8, 4);
    if (brand.startsWith("avi")) return "an AVIF image";
    if (brand.startsWith("hei") || brand.startsWith("mif")) return "a HEIC/HEIF image";
    return "an ISO media file";
  }
  if (head === "%PDF") return "a PDF document";
  const text = ascii(bytes, 0, Math.min(bytes.length, 64)).trimStart().toLowerCase();
  if (text.startsWith("<svg") || text.startsWith("<?xml")) return "an SVG or XML file";
  return null;
}

function sized(format: ImageFormat, width: number, height: number): ImageKind | Unsupported {
  if (width < 1 || height < 1) {
    return unsupported(`the ${format.toUpperCase()} header gives a size of ${width}×${height}`);
  }
  const mime = format === "png" ? "image/png" : format === "jpeg" ? "image/jpeg" : "image/webp";
  return { format, mime, width, height };
}

function sniffPng(bytes: Uint8Array): ImageKind | Unsupported {
  // IHDR must come first: length 13, then width and height as big-endian 32-bit numbers.
  if (bytes.length < 33 || ascii(bytes, 12, 4) !== "IHDR") {
    return unsupported("the PNG file is cut short or has no IHDR header");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return sized("png", view.getUint32(16), view.getUint32(20));
}

function sniffJpeg(bytes: Uint8Array): ImageKind | Unsupported {
  let at = 2;
  for (let seen = 0; seen < MAX_CHUNKS; seen++) {
    while (at < bytes.length && bytes[at] === 0xff && bytes[at + 1] === 0xff) at++; // fill bytes
    if (at + 4 > bytes.length) break;
    if (bytes[at] !== 0xff) return unsupported(`the JPEG has no marker at byte ${at}`);
    const marker = bytes[at + 1]!;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image or scan data before a frame
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2) return unsupported(`the JPEG segment at byte ${at} has a length of ${length}`);
    if (SOF_MARKERS.has(marker)) {
      if (at + 9 > bytes.length) break;
      const height = (bytes[at + 5]! << 8) | bytes[at + 6]!;
      const width = (bytes[at + 7]! << 8) | bytes[at + 8]!;
      return sized("jpeg", width, height);
    }
    at += 2 + length;
  }
  return unsupported("the JPEG has no frame header (SOF) before its image data or is cut short");
}

function sniffWebp(bytes: Uint8Array): ImageKind | Unsupported {
  if (bytes.length < 30) return unsupported("the WebP file is cut short");
  const chunk = ascii(bytes, 12, 4);
  const d = 20; // first chunk's data
  if (chunk === "VP8 ") {
    // Lossy: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], d + 3)) {
      return unsupported("the WebP VP8 frame has no start code");
    }
    const width = (bytes[d + 6]! | (bytes[d + 7]! << 8)) & 0x3fff;
    const height = (bytes[d + 8]! | (bytes[d + 9]! << 8)) & 0x3fff;
    return sized("webp", width, height);
  }
  if (chunk === "VP8L") {
    if (bytes[d] !== 0x2f) return unsupported("the WebP VP8L stream has no signature");
    const bits = bytes[d + 1]! | (bytes[d + 2]! << 8) | (bytes[d + 3]! << 16) |
      (bytes[d + 4]! << 24);
    return sized("webp", (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === "VP8X") {
    const width = (bytes[d + 4]! | (bytes[d + 5]! << 8) | (bytes[d + 6]! << 16)) + 1;
    const height = (bytes[d + 7]! | (bytes[d + 8]! << 8) | (bytes[d + 9]! << 16)) + 1;
    return sized("webp", width, height);
  }
  return unsupported(`the WebP file starts with an unknown "${chunk}" chunk`);
}

/**
 * Tells a PNG, JPEG or WebP image from its bytes (never its name) and reads its size from the
 * header; anything else is "unsupported" with the reason.
 */
export function sniffImage(bytes: Uint8Array): ImageKind | Unsupported {
  if (bytes.length === 0) return unsupported(`the file is empty; ${SUPPORTED}`);
  if (startsWith(bytes, PNG_SIGNATURE)) return sniffPng(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return sniffJpeg(bytes);
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return sniffWebp(bytes);
  const other = otherFormat(bytes);
  return unsupported(
    other ? `this is ${other}; ${SUPPORTED}` : `this is not an image we can read; ${SUPPORTED}`,
  );
}
