import { imageError } from "./image_error.ts";
import { MAX_IMAGE_BYTES } from "./limits.ts";

/** The longest base64 text of an image within the byte limit (4 characters per 3 bytes). */
export const MAX_IMAGE_BASE64 = Math.ceil(MAX_IMAGE_BYTES / 3) * 4;

/**
 * The bytes of an image sent as base64, bare or as a `data:` URL. Too long or not base64 is a
 * 400 that says so; the format is checked later, by the bytes.
 */
export function imageFromBase64(text: string): Uint8Array {
  let body = text;
  if (body.startsWith("data:")) {
    const comma = body.indexOf(",");
    if (comma < 0 || comma > 200 || !body.slice(0, comma).endsWith(";base64")) {
      throw imageError('a data URL must be "data:image/png;base64,…" (base64 after the comma)');
    }
    body = body.slice(comma + 1);
  }
  if (body.length > MAX_IMAGE_BASE64 + 1024) {
    throw imageError(
      `the base64 text is ${(body.length / 1048576).toFixed(1)} MB, more than a ${
        MAX_IMAGE_BYTES / 1048576
      } MB image; the limit is ${MAX_IMAGE_BYTES / 1048576} MB`,
    );
  }
  try {
    return Uint8Array.fromBase64(body);
  } catch {
    throw imageError(
      "it is not valid base64; send the file's bytes base64-encoded (or upload it as multipart/form-data)",
    );
  }
}
