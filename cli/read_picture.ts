import { MAX_IMAGE_BYTES } from "../lib/images/limits.ts";
import { UsageError } from "./args.ts";

/**
 * Reads a picture file for a command, refusing one over the size limit before reading it all.
 * Its format is checked later, by its bytes.
 */
export async function readPicture(path: string, command: string): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await Deno.stat(path)).size;
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "no such file" : (err as Error).message;
    throw new UsageError(`${command}: cannot read ${path}: ${why}`);
  }
  if (size > MAX_IMAGE_BYTES) {
    throw new UsageError(
      `${command}: ${path} is ${(size / 1048576).toFixed(1)} MB; pictures may be at most ${
        MAX_IMAGE_BYTES / 1048576
      } MB: scale it down or save it as JPEG`,
    );
  }
  return await Deno.readFile(path);
}
