import { AppError } from "../app/errors.ts";
import { type PromptFound, readImagePrompt } from "./prompt_metadata.ts";
import { checkImage } from "./read_metadata.ts";
import { type ScaledImage, scaleForVision, thumbnail, visionAndThumbnail } from "./resize.ts";
import type { ImageKind } from "./sniff.ts";

/** What to make of an uploaded image; each costs only when asked for. */
export interface PrepareTasks {
  /** The prompt its metadata carries (cheap: nothing is decoded). */
  prompt?: boolean;
  /** A copy fit for a vision model (decodes when it must be scaled or re-encoded). */
  vision?: boolean;
  /** A small JPEG for history (always decodes). */
  thumbnail?: boolean;
  /**
   * Whether unreadable metadata fails the whole job. A picture to describe only needs its
   * pixels, so its broken text chunks become a warning; a picture to read needs them.
   */
  metadataRequired?: boolean;
  /**
   * Whether a picture that cannot be decoded still gives its reading (without a thumbnail): its
   * metadata may be fine when its pixels are not, or when it has more pixels than we decode.
   */
  thumbnailOptional?: boolean;
}

/** An uploaded image's header facts and whatever the tasks asked for. */
export interface PreparedImage {
  kind: ImageKind;
  /** The upload's size in bytes. */
  bytes: number;
  prompt?: PromptFound;
  vision?: ScaledImage;
  thumbnail?: ScaledImage;
  /** Why there is no thumbnail, when one was asked for but was optional. */
  thumbnailError?: string;
}

function unreadable(err: unknown): PromptFound {
  const why = err instanceof Error ? err.message : String(err);
  return {
    source: "none",
    message: `The metadata could not be read (${why}).`,
    warnings: [why],
  };
}

/**
 * Checks an uploaded image by its bytes and does the asked-for work. Every problem with the
 * file is a 400 (`AppError`) that says what is wrong; this is what the image worker runs.
 */
export async function prepareImage(
  bytes: Uint8Array,
  tasks: PrepareTasks,
): Promise<PreparedImage> {
  const kind = checkImage(bytes);
  const out: PreparedImage = { kind, bytes: bytes.length };
  if (tasks.prompt) {
    try {
      const { image: _image, ...found } = readImagePrompt(bytes);
      out.prompt = found;
    } catch (err) {
      if (tasks.metadataRequired || !(err instanceof AppError)) throw err;
      out.prompt = unreadable(err);
    }
  }
  if (tasks.vision && tasks.thumbnail) Object.assign(out, await visionAndThumbnail(bytes));
  else if (tasks.vision) out.vision = await scaleForVision(bytes);
  else if (tasks.thumbnail) {
    try {
      out.thumbnail = await thumbnail(bytes);
    } catch (err) {
      if (!tasks.thumbnailOptional || !(err instanceof AppError)) throw err;
      out.thumbnailError = err.message;
    }
  }
  return out;
}
