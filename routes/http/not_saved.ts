import type { Context } from "hono";
import { AppError } from "../../lib/app/errors.ts";
import type { NotSaved } from "../../lib/generate/generation.ts";

/**
 * A finished generation as JSON: 200, or, when the disk was full and it could not be kept, 507
 * `storage_full` in the error shape with the result beside it, so the prompt is never lost.
 */
export function generationJson(
  c: Context,
  body: Record<string, unknown> & { not_saved?: NotSaved },
): Response {
  if (!body.not_saved) return c.json(body);
  return c.json({
    ...body,
    error: "Storage full",
    message: body.not_saved.message,
    status: 507,
    type: "storage_full",
  }, 507 as 200);
}

/**
 * Passes a generation's events on; after a `done` event whose result could not be kept (a full
 * disk) the stream ends with the `storage_full` error, so a client that reads to the end sees it.
 */
export async function* failWhenNotSaved<T>(events: AsyncGenerator<T>): AsyncGenerator<T> {
  for await (const event of events) {
    yield event;
    const notSaved = (event as { not_saved?: NotSaved }).not_saved;
    if (notSaved) throw new AppError(507, "Storage full", notSaved.message, notSaved.type);
  }
}
