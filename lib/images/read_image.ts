import type { ComfyGraph } from "../comfy/workflow.ts";
import type { HistoryStore } from "../history/store.ts";
import type { NewSourceImage } from "../history/source_images.ts";
import { type ImageReading, toReading } from "./image_reading.ts";
import type { ImageProcessor } from "./image_workers.ts";
import { checkImage } from "./read_metadata.ts";
import type { ScaledImage } from "./resize.ts";

/** The upload's header facts. */
export interface ImageFacts {
  format: "png" | "jpeg" | "webp";
  width: number;
  height: number;
  bytes: number;
}

/** What an image's metadata says, with the ComfyUI graph to save and, if asked, a thumbnail. */
export interface ImageRead {
  image: ImageFacts;
  reading: ImageReading;
  /** The embedded ComfyUI API graph, ready to save as a workflow; null when there is none. */
  apiGraph: ComfyGraph | null;
  /** A small JPEG, when asked for and the picture could be decoded. */
  thumbnail?: ScaledImage;
}

/**
 * Reads the prompt, negative and settings an image's metadata carries (A1111/Forge parameters,
 * a ComfyUI graph), without any LLM. A damaged file is a 400; a file without metadata is a
 * reading whose source is "none" and whose message says so.
 */
export async function readImage(
  images: ImageProcessor,
  bytes: Uint8Array,
  options: { thumbnail?: boolean; signal?: AbortSignal } = {},
): Promise<ImageRead> {
  checkImage(bytes);
  const prepared = await images.prepare(
    bytes,
    {
      prompt: true,
      metadataRequired: true,
      thumbnail: options.thumbnail,
      thumbnailOptional: true,
    },
    options.signal,
  );
  const found = prepared.prompt!;
  const out: ImageRead = {
    image: {
      format: prepared.kind.format,
      width: prepared.kind.width,
      height: prepared.kind.height,
      bytes: prepared.bytes,
    },
    reading: toReading(found),
    apiGraph: found.source === "comfyui" ? found.apiGraph : null,
  };
  if (prepared.thumbnail) out.thumbnail = prepared.thumbnail;
  if (prepared.thumbnailError) {
    out.reading.warnings.push(
      `No thumbnail: ${prepared.thumbnailError}. The metadata was read all the same.`,
    );
  }
  return out;
}

/** A reading to keep in history, with the thumbnail that stands for its picture. */
export interface ReadingToSave {
  reading: ImageReading;
  image: ImageFacts;
  thumbnail: { bytes: Uint8Array; width: number; height: number } | null;
  /** The target the prompt is filed under. */
  target: string;
}

/** Keeps a reading in history (mode `image-read`), with its thumbnail; returns the entry id. */
export function saveReading(history: HistoryStore, save: ReadingToSave): number {
  const { reading } = save;
  const source: NewSourceImage = { ...save.image, thumbnail: save.thumbnail, reading };
  const text = reading.negative
    ? `${reading.positive}\nNegative prompt: ${reading.negative}`
    : reading.positive;
  return history.add({
    user_input: "",
    generated_output: text,
    positive: reading.positive,
    negative: reading.negative || null,
    model: save.target,
    ollama_model: null,
    presets: { read_from: reading.source },
    mode: "image-read",
    engine: "metadata",
    source_image: source,
  });
}

/** A reading as the API and `read-image --json` give it. */
export type ReadingReport = ImageReading & {
  image: ImageFacts;
  /** The embedded ComfyUI API graph; null when there is none. */
  api_graph: ComfyGraph | null;
  /** The history entry a kept reading got; null when it was not kept. */
  history_id: number | null;
};

/**
 * Reads an image's metadata and, with `keep`, files the reading in history under its target
 * (with a thumbnail); the report the API route and the CLI both give.
 */
export async function readImageReport(
  images: ImageProcessor,
  bytes: Uint8Array,
  options: { keep?: { history: HistoryStore; target: string }; signal?: AbortSignal } = {},
): Promise<ReadingReport> {
  const { keep, signal } = options;
  const read = await readImage(images, bytes, { thumbnail: keep !== undefined, signal });
  const history_id = keep
    ? saveReading(keep.history, {
      reading: read.reading,
      image: read.image,
      thumbnail: read.thumbnail ?? null,
      target: keep.target,
    })
    : null;
  return { image: read.image, ...read.reading, api_graph: read.apiGraph, history_id };
}
