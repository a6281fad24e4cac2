import { AppError, badInput } from "../app/errors.ts";
import { MAX_IMAGE_BYTES } from "./limits.ts";

/** A 400 about an uploaded image; the message says what is wrong with it. */
export function imageError(message: string): AppError {
  return badInput(`image: ${message}`, "invalid_image");
}

/** The 400 for an image file of `size` bytes, over the limit. */
export function imageTooLarge(size: number): AppError {
  return imageError(
    `the file is ${(size / 1048576).toFixed(1)} MB; the limit is ${MAX_IMAGE_BYTES / 1048576} MB`,
  );
}

/**
 * Runs a reader and turns any slip it did not foresee (a RangeError from a typed array, a
 * stack overflow on a deep graph) into a 400 about the image, so bad files never become 500s.
 */
export function guardImage<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw imageError(`${what} could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
}
