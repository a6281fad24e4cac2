import { readExifTexts } from "./exif.ts";
import { imageError } from "./image_error.ts";
import type { ImageText, ImageTexts } from "./image_text.ts";
import { MAX_CHUNKS, MAX_TEXT_ENTRIES } from "./limits.ts";
import { latin1, latin1OrUtf8, trimNul } from "./text_decode.ts";

const APP1 = 0xe1;
const COM = 0xfe;
const SOS = 0xda;
const EOI = 0xd9;

/**
 * Reads a JPEG's text: Exif (APP1) UserComment and IFD0 strings, and COM comments. Segments
 * are walked up to the image data, every length checked against the file; a second Exif block
 * is ignored, as readers do.
 */
export function readJpegText(bytes: Uint8Array): ImageTexts {
  const texts: ImageText[] = [];
  const warnings: string[] = [];
  let exifSeen = false;
  let at = 2;
  for (let segments = 0;; segments++) {
    if (segments >= MAX_CHUNKS) {
      throw imageError(`the JPEG has more than ${MAX_CHUNKS} segments before its image data`);
    }
    while (at + 1 < bytes.length && bytes[at] === 0xff && bytes[at + 1] === 0xff) at++;
    if (at + 2 > bytes.length) {
      throw imageError("the JPEG ends before its image data; the file is cut short");
    }
    if (bytes[at] !== 0xff) {
      throw imageError(`the JPEG is damaged: no segment marker at byte ${at}`);
    }
    const marker = bytes[at + 1]!;
    if (marker === SOS || marker === EOI) break;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) throw imageError("the JPEG is cut short inside a segment header");
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2 || at + 2 + length > bytes.length) {
      throw imageError(
        `the JPEG segment at byte ${at} declares ${length} bytes but only ${
          bytes.length - at - 2
        } remain; the file is cut short or damaged`,
      );
    }
    const data = bytes.subarray(at + 4, at + 2 + length);
    if (marker === APP1 && latin1(data.subarray(0, 6)) === "Exif\0\0" && !exifSeen) {
      exifSeen = true;
      texts.push(...readExifTexts(data.subarray(6)));
    } else if (marker === COM) {
      const text = trimNul(latin1OrUtf8(data));
      if (text.trim()) texts.push({ keyword: "comment", text, source: "jpeg-comment" });
    }
    if (texts.length > MAX_TEXT_ENTRIES) {
      throw imageError(`the JPEG has more than ${MAX_TEXT_ENTRIES} text entries; refused`);
    }
    at += 2 + length;
  }
  return { texts, warnings };
}
