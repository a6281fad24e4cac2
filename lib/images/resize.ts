import { decodePixels, encodeJpeg, type Pixels } from "./codecs.ts";
import { downscaleOnWhite, fitWithin } from "./downscale.ts";
import { guardImage, imageError } from "./image_error.ts";
import { MAX_PIXELS } from "./limits.ts";
import { readPngText } from "./png_chunks.ts";
import { checkImage } from "./read_metadata.ts";
import type { ImageKind } from "./sniff.ts";

/** An image ready to send or store. */
export interface ScaledImage {
  bytes: Uint8Array;
  mime: "image/jpeg" | "image/png";
  width: number;
  height: number;
}

/** How large the result may be and how hard JPEG may compress it. */
export interface ScaleOptions {
  maxSide?: number;
  quality?: number;
}

/** Vision models gain little past this and pay for every pixel in tokens and time. */
export const VISION_MAX_SIDE = 1536;
/** Thumbnails for history. */
export const THUMBNAIL_MAX_SIDE = 256;

/** Checks size, format and pixel count from the header, before anything is decoded. */
function admit(bytes: Uint8Array): ImageKind {
  const kind = checkImage(bytes);
  const pixels = kind.width * kind.height;
  if (pixels > MAX_PIXELS) {
    throw imageError(
      `it is ${kind.width}×${kind.height} (${Math.round(pixels / 1e6)} megapixels); the limit is ${
        MAX_PIXELS / 1e6
      } megapixels. Scale it down first`,
    );
  }
  // The PNG codec is shared by the process, so it only gets files whose structure we checked.
  if (kind.format === "png") guardImage("the PNG", () => readPngText(bytes));
  return kind;
}

async function decode(bytes: Uint8Array, kind: ImageKind): Promise<Pixels> {
  let pixels: Pixels;
  try {
    pixels = await decodePixels(bytes, kind.format);
  } catch (e) {
    throw imageError(
      `the ${kind.format.toUpperCase()} could not be decoded (${
        e instanceof Error ? e.message : String(e)
      }); the file may be damaged`,
    );
  }
  if (pixels.width * pixels.height > MAX_PIXELS) {
    throw imageError(`it decodes to more than ${MAX_PIXELS / 1e6} megapixels`);
  }
  return pixels;
}

async function shrinkPixels(
  pixels: Pixels,
  maxSide: number,
  quality: number,
): Promise<{ scaled: ScaledImage; pixels: Pixels }> {
  const [width, height] = fitWithin(pixels.width, pixels.height, maxSide);
  const small = downscaleOnWhite(pixels, width, height);
  return {
    scaled: { bytes: await encodeJpeg(small, quality), mime: "image/jpeg", width, height },
    pixels: small,
  };
}

async function shrinkToJpeg(
  bytes: Uint8Array,
  kind: ImageKind,
  maxSide: number,
  quality: number,
): Promise<ScaledImage> {
  return (await shrinkPixels(await decode(bytes, kind), maxSide, quality)).scaled;
}

/** PNG and JPEG within the size go to vision models as they are. */
function passesUnchanged(kind: ImageKind, maxSide: number): boolean {
  return kind.format !== "webp" && Math.max(kind.width, kind.height) <= maxSide;
}

function checkSide(maxSide: number): number {
  if (!Number.isInteger(maxSide) || maxSide < 16 || maxSide > 8192) {
    throw new RangeError(`maxSide must be a whole number from 16 to 8192, not ${maxSide}`);
  }
  return maxSide;
}

/**
 * Makes an image fit for a vision model: PNG and JPEG within `maxSide` pass unchanged; larger
 * ones, and every WebP, are scaled down and sent as JPEG (transparency over white).
 */
export async function scaleForVision(
  bytes: Uint8Array,
  { maxSide = VISION_MAX_SIDE, quality = 85 }: ScaleOptions = {},
): Promise<ScaledImage> {
  checkSide(maxSide);
  const kind = admit(bytes);
  if (passesUnchanged(kind, maxSide)) {
    return {
      bytes,
      mime: kind.mime as ScaledImage["mime"],
      width: kind.width,
      height: kind.height,
    };
  }
  return await shrinkToJpeg(bytes, kind, maxSide, quality);
}

/** A small JPEG of the image for history, at most `maxSide` on its longer side. */
export async function thumbnail(
  bytes: Uint8Array,
  { maxSide = THUMBNAIL_MAX_SIDE, quality = 75 }: ScaleOptions = {},
): Promise<ScaledImage> {
  checkSide(maxSide);
  return await shrinkToJpeg(bytes, admit(bytes), maxSide, quality);
}

/**
 * `scaleForVision` and `thumbnail` with one decode: the thumbnail is shrunk from the vision
 * copy's pixels when there are any, which costs a fraction of shrinking the original again.
 */
export async function visionAndThumbnail(
  bytes: Uint8Array,
  options: { vision?: ScaleOptions; thumbnail?: ScaleOptions } = {},
): Promise<{ vision: ScaledImage; thumbnail: ScaledImage }> {
  const visionSide = checkSide(options.vision?.maxSide ?? VISION_MAX_SIDE);
  const thumbSide = checkSide(options.thumbnail?.maxSide ?? THUMBNAIL_MAX_SIDE);
  const kind = admit(bytes);
  const pixels = await decode(bytes, kind);
  let vision: ScaledImage;
  let source = pixels;
  if (passesUnchanged(kind, visionSide)) {
    vision = {
      bytes,
      mime: kind.mime as ScaledImage["mime"],
      width: kind.width,
      height: kind.height,
    };
  } else {
    const shrunk = await shrinkPixels(pixels, visionSide, options.vision?.quality ?? 85);
    vision = shrunk.scaled;
    source = shrunk.pixels;
  }
  const thumb = await shrinkPixels(source, thumbSide, options.thumbnail?.quality ?? 75);
  return { vision, thumbnail: thumb.scaled };
}
