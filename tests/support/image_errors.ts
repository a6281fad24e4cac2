import { AppError } from "../../lib/app/errors.ts";

/** A check for `throws`/`rejects`: a 400 about the image (`invalid_image`) whose message matches. */
export function imageError(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) =>
    e instanceof AppError && e.status === 400 && e.type === "invalid_image" &&
    pattern.test(e.message);
}
