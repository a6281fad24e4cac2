import { readExifTexts } from "./exif.ts";
import { imageError } from "./image_error.ts";
import type { ImageTexts } from "./image_text.ts";
import { MAX_CHUNKS } from "./limits.ts";
import { latin1 } from "./text_decode.ts";

/**
 * Reads a WebP's text from its EXIF chunk (the same TIFF structure as a JPEG's Exif; some
 * writers keep the "Exif\0\0" prefix). XMP is not read. Every chunk size is checked against
 * the RIFF size and the file.
 */
export function readWebpText(bytes: Uint8Array): ImageTexts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const warnings: string[] = [];
  if (bytes.length < 12) throw imageError("the WebP file is cut short");
  const riffEnd = 8 + view.getUint32(4, true);
  if (riffEnd > bytes.length) {
    throw imageError(
      `the WebP declares ${riffEnd} bytes but the file has ${bytes.length}; it is cut short`,
    );
  }
  if (riffEnd < bytes.length) {
    warnings.push(`${bytes.length - riffEnd} bytes after the end of the WebP were ignored.`);
  }
  let at = 12;
  let exif: Uint8Array | null = null;
  for (let chunks = 0; at < riffEnd; chunks++) {
    if (chunks >= MAX_CHUNKS) throw imageError(`the WebP has more than ${MAX_CHUNKS} chunks`);
    if (at + 8 > riffEnd) throw imageError(`the WebP is cut short inside a chunk header`);
    const type = latin1(bytes.subarray(at, at + 4));
    const size = view.getUint32(at + 4, true);
    if (size > riffEnd - at - 8) {
      throw imageError(
        `the WebP chunk "${type}" at byte ${at} declares ${size} bytes but only ${
          riffEnd - at - 8
        } remain; the file is cut short or damaged`,
      );
    }
    if (type === "EXIF" && !exif) exif = bytes.subarray(at + 8, at + 8 + size);
    at += 8 + size + (size % 2);
  }
  if (!exif) return { texts: [], warnings };
  const tiff = latin1(exif.subarray(0, 6)) === "Exif\0\0" ? exif.subarray(6) : exif;
  return { texts: readExifTexts(tiff), warnings };
}
