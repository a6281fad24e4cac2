import mozjpegDecoder from "@jsquash/jpeg/codec/dec/mozjpeg_dec.js";
import mozjpegEncoder from "@jsquash/jpeg/codec/enc/mozjpeg_enc.js";
import { defaultOptions as JPEG_DEFAULTS } from "@jsquash/jpeg/meta.js";
import { decode as decodePngWasm, init as initPngDecoder } from "@jsquash/png/decode.js";
import webpDecoder from "@jsquash/webp/codec/dec/webp_dec.js";
import { pngPixelsOnly } from "./png_chunks.ts";
import type { ImageFormat } from "./sniff.ts";

/** Decoded pixels: 8-bit RGBA, row by row. */
export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * The codecs' WebAssembly files, read from the npm packages (which `deno compile` embeds
 * whole) and compiled once. Loading them ourselves avoids the packages' fetch-based loader.
 */
const WASM_FILES = {
  jpegDecoder: "@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm",
  jpegEncoder: "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm",
  pngDecoder: "@jsquash/png/codec/pkg/squoosh_png_bg.wasm",
  webpDecoder: "@jsquash/webp/codec/dec/webp_dec.wasm",
} as const;
type Codec = keyof typeof WASM_FILES;

/** What an Emscripten codec printed last; libjpeg and libwebp say what was wrong that way. */
interface CodecLog {
  last: string | null;
}

/** The part of an Emscripten module factory we use. */
type Factory<T> = (options: Record<string, unknown>) => Promise<T>;

const compiled = new Map<Codec, Promise<WebAssembly.Module>>();
let pngReady: Promise<unknown> | null = null;

function wasmModule(codec: Codec): Promise<WebAssembly.Module> {
  let module = compiled.get(codec);
  if (!module) {
    module = Deno.readFile(new URL(import.meta.resolve(WASM_FILES[codec])))
      .then((bytes) => WebAssembly.compile(bytes));
    module.catch(() => compiled.delete(codec));
    compiled.set(codec, module);
  }
  return module;
}

/**
 * A new instance of an Emscripten codec for one call. A WebAssembly memory never shrinks, so a
 * shared instance would keep the memory of the largest image for the life of the process; this
 * one goes with the call. The codec's printing goes to `log` instead of the console.
 */
async function instance<T>(factory: unknown, codec: Codec, log: CodecLog): Promise<T> {
  const module = await wasmModule(codec);
  return await (factory as Factory<T>)({
    noInitialRun: true,
    instantiateWasm(
      imports: WebAssembly.Imports,
      done: (instance: WebAssembly.Instance) => void,
    ) {
      const created = new WebAssembly.Instance(module, imports);
      done(created);
      return created.exports;
    },
    print() {},
    printErr(message: string) {
      log.last = message;
    },
  });
}

/** An Error from what a codec threw (Emscripten throws non-Errors on exit) and what it printed. */
function codecError(e: unknown, log: CodecLog): Error {
  if (log.last) return new Error(log.last);
  if (e instanceof Error) return e;
  const status = (e as { status?: unknown })?.status;
  return new Error(status === undefined ? String(e) : `the codec stopped with status ${status}`);
}

function asPixels(image: ImageData | null): Pixels {
  if (!image) throw new Error("the codec returned no image");
  if (!(image.data instanceof Uint8ClampedArray)) throw new TypeError("expected 8-bit pixels");
  if (image.data.length !== image.width * image.height * 4) {
    throw new RangeError("the decoder returned fewer pixels than the image's size");
  }
  return { data: image.data, width: image.width, height: image.height };
}

/** Decodes a PNG, JPEG or WebP to RGBA. JPEGs are turned upright by their Exif orientation. */
export async function decodePixels(bytes: Uint8Array, format: ImageFormat): Promise<Pixels> {
  const log: CodecLog = { last: null };
  try {
    if (format === "jpeg") {
      const codec = await instance<{ decode(b: Uint8Array, upright: boolean): ImageData | null }>(
        mozjpegDecoder,
        "jpegDecoder",
        log,
      );
      return asPixels(codec.decode(bytes, true));
    }
    if (format === "webp") {
      const codec = await instance<{ decode(b: Uint8Array): ImageData | null }>(
        webpDecoder,
        "webpDecoder",
        log,
      );
      return asPixels(codec.decode(bytes));
    }
    // The PNG codec (wasm-bindgen) can only be set up once per process; it keeps its memory.
    pngReady ??= wasmModule("pngDecoder").then((m) => initPngDecoder(m));
    await pngReady;
    return asPixels(await decodePngWasm(pngPixelsOnly(bytes).buffer as ArrayBuffer));
  } catch (e) {
    throw codecError(e, log);
  }
}

/**
 * Encodes RGBA pixels as a baseline JPEG. mozjpeg's progressive default took about four times
 * as long here (2.4 s against 0.55 s for a noisy 1536×768 image) for a file 5% smaller.
 */
export async function encodeJpeg(pixels: Pixels, quality: number): Promise<Uint8Array> {
  const log: CodecLog = { last: null };
  try {
    const codec = await instance<
      { encode(d: Uint8ClampedArray, w: number, h: number, o: object): Uint8Array }
    >(mozjpegEncoder, "jpegEncoder", log);
    const options = { ...JPEG_DEFAULTS, quality, progressive: false };
    // The result is a view into the codec's memory: copy it out before the instance goes.
    return codec.encode(pixels.data, pixels.width, pixels.height, options).slice();
  } catch (e) {
    throw codecError(e, log);
  }
}
