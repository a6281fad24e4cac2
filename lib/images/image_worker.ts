/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * The image worker: decodes, scales and reads one upload off the server's event loop. It is
 * started per job and ends with it, so the codecs' memory goes back to the system each time.
 * `scripts/compile.ts` names this file with `--include`, which `deno compile` needs for workers.
 */
import { AppError } from "../app/errors.ts";
import { prepareImage, type PrepareTasks } from "./prepare_image.ts";

/** What the server sends: the upload (transferred) and what to make of it. */
export interface ImageJobRequest {
  bytes: Uint8Array;
  tasks: PrepareTasks;
}

/** An error as it crosses back: an `AppError`'s parts, or just a message for anything else. */
export interface ImageJobFailure {
  ok: false;
  status?: number;
  title?: string;
  message: string;
  type?: string;
}

self.onmessage = async (event: MessageEvent<ImageJobRequest>) => {
  try {
    const result = await prepareImage(event.data.bytes, event.data.tasks);
    // Handing the buffers over saves copying them; a Set because the same one must not go twice.
    const buffers = new Set(
      [result.vision?.bytes, result.thumbnail?.bytes].flatMap((b) => b ? [b.buffer] : []),
    );
    self.postMessage({ ok: true, result }, { transfer: [...buffers] as ArrayBuffer[] });
  } catch (err) {
    const failure: ImageJobFailure = err instanceof AppError
      ? { ok: false, status: err.status, title: err.title, message: err.message, type: err.type }
      : { ok: false, message: err instanceof Error ? err.message : String(err) };
    self.postMessage(failure);
  }
};
