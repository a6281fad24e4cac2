import { guardImage, imageError, imageTooLarge } from "./image_error.ts";
import type { ImageTexts } from "./image_text.ts";
import { readJpegText } from "./jpeg_segments.ts";
import { MAX_IMAGE_BYTES } from "./limits.ts";
import { readPngText } from "./png_chunks.ts";
import { type ImageKind, sniffImage } from "./sniff.ts";
import { readWebpText } from "./webp_chunks.ts";

/** An image's format and size with the text its metadata carries. */
export interface ImageMetadata extends ImageTexts {
  kind: ImageKind;
}

/** Refuses files over the byte cap and formats we do not read; returns what the header says. */
export function checkImage(bytes: Uint8Array): ImageKind {
  if (bytes.length > MAX_IMAGE_BYTES) throw imageTooLarge(bytes.length);
  const kind = sniffImage(bytes);
  if (kind.format === "unsupported") throw imageError(kind.reason);
  return kind;
}

/**
 * Reads the text metadata of a PNG, JPEG or WebP. Damaged or hostile files end in a 400 that
 * says what is wrong; nothing here allocates by a size the file declares.
 */
export function readImageMetadata(bytes: Uint8Array): ImageMetadata {
  const kind = checkImage(bytes);
  const read = kind.format === "png"
    ? readPngText
    : kind.format === "jpeg"
    ? readJpegText
    : readWebpText;
  return { kind, ...guardImage(`the ${kind.format.toUpperCase()} metadata`, () => read(bytes)) };
}
