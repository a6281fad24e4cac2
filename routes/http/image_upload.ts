import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { AppError, badInput } from "../../lib/app/errors.ts";
import { imageFromBase64 } from "../../lib/images/base64_image.ts";
import { imageTooLarge } from "../../lib/images/image_error.ts";
import { MAX_IMAGE_BYTES } from "../../lib/images/limits.ts";
import { isMultipart, parseJsonBody } from "./request_body.ts";

/** Room for the form fields and multipart framing around the largest image. */
const FORM_ROOM = 512 * 1024;
/** The largest upload request: the image base64-encoded (JSON) plus the other fields. */
export const MAX_UPLOAD_BODY = Math.ceil(MAX_IMAGE_BYTES / 3) * 4 + FORM_ROOM;
/** Posts that carry a reading back (a thumbnail, a ComfyUI graph of up to 2 MB, prompts). */
export const MAX_READING_BODY = 4 * 1024 * 1024;

/** Paths that set their own body limit; the app's 1 MB limit skips them. */
export const OWN_BODY_LIMIT_PATHS: ReadonlySet<string> = new Set([
  "/api/images/read",
  "/api/images/prompt",
  "/api/images/prompt-stream",
  "/ui/images/describe",
  "/ui/images/read",
  "/ui/images/save",
  "/ui/images/save-workflow",
]);

/** The 413 of an upload over the limit, in the API's error shape. */
export function tooLarge(maxBytes: number): AppError {
  return new AppError(
    413,
    "Payload too large",
    `The upload is larger than ${Math.round(maxBytes / 1048576)} MB: images may be at most ${
      MAX_IMAGE_BYTES / 1048576
    } MB; scale it down or save it as JPEG.`,
    "payload_too_large",
  );
}

/** A body limit for upload routes; `onTooLarge` answers (a page shows the form again). */
export function uploadLimit(
  maxBytes: number,
  onTooLarge?: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      if (onTooLarge) return onTooLarge(c);
      throw tooLarge(maxBytes);
    },
  });
}

/** A multipart form: its text fields in order, and the bytes of its `image` file, if any. */
export interface UploadForm {
  fields: [string, string][];
  image: Uint8Array | null;
  /** The file's name as the browser gave it (shown, never trusted). */
  filename: string | null;
}

/** Reads a multipart form post; a malformed body is a 400. */
export async function readUploadForm(c: Context): Promise<UploadForm> {
  let form: FormData;
  try {
    form = await c.req.raw.formData();
  } catch {
    throw badInput(
      "body: not a readable multipart/form-data body; send the picture as a file field named image",
    );
  }
  const fields: [string, string][] = [];
  let image: Uint8Array | null = null;
  let filename: string | null = null;
  for (const [key, value] of form.entries()) {
    if (typeof value === "string") fields.push([key, value]);
    else if (key === "image" && value.size > 0 && !image) {
      // Refused before its bytes are read; the same 400 the image check gives.
      if (value.size > MAX_IMAGE_BYTES) throw imageTooLarge(value.size);
      image = new Uint8Array(await value.arrayBuffer());
      filename = value.name.slice(0, 200);
    }
  }
  return { fields, image, filename };
}

/** Fields of a multipart API request that are sent as JSON text or as numbers and switches. */
const JSON_FIELDS = new Set(["selections", "protect"]);
const NUMBER_FIELDS = new Set(["seed", "temperature"]);
const SWITCH_FIELDS = new Set(["think", "dry_run", "save"]);

function fieldValue(key: string, value: string): unknown {
  if (JSON_FIELDS.has(key)) {
    try {
      return JSON.parse(value);
    } catch {
      if (key === "protect") return value.split(",").map((t) => t.trim()).filter(Boolean);
      throw badInput(`${key}: not valid JSON; send it as JSON text in the form field`);
    }
  }
  if (NUMBER_FIELDS.has(key) && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  if (SWITCH_FIELDS.has(key)) return ["true", "1", "on", "yes"].includes(value.toLowerCase());
  return value;
}

/**
 * An API request that carries an image: JSON with the image base64-encoded in `image` (bare or
 * as a data URL), or multipart/form-data with the file in `image` and the other fields as text.
 * The other fields are validated with `schema`; a missing image is a 400 that says how to send it.
 */
export async function readImageRequest<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<{ body: z.infer<T>; bytes: Uint8Array }> {
  if (isMultipart(c)) {
    const form = await readUploadForm(c);
    const raw: Record<string, unknown> = {};
    for (const [key, value] of form.fields) raw[key] = fieldValue(key, value);
    const body = parseJsonBody(JSON.stringify(raw), schema);
    if (!form.image) throw missingImage();
    return { body, bytes: form.image };
  }
  const text = await c.req.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    parseJsonBody(text, schema); // throws the same 400 every JSON route gives
  }
  // The image is taken out first, so the other fields are validated without copying megabytes.
  const { image, ...rest } = parsed as Record<string, unknown>;
  const body = parseJsonBody(JSON.stringify(rest), schema);
  if (typeof image !== "string" || !image) throw missingImage();
  return { body, bytes: imageFromBase64(image) };
}

function missingImage(): AppError {
  return badInput(
    'image is required: send the picture base64-encoded, e.g. {"image": "iVBORw0…"}, or upload it as multipart/form-data in a file field named image',
  );
}
