import decodeJpegWasm, { init as initJpegDecoder } from "@jsquash/jpeg/decode.js";
import encodeJpegWasm, { init as initJpegEncoder } from "@jsquash/jpeg/encode.js";
import { decode as decodePngWasm, init as initPngDecoder } from "@jsquash/png/decode.js";
import decodeWebpWasm, { init as initWebpDecoder } from "@jsquash/webp/decode.js";
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

/** What an Emscripten codec printed last; libjpeg and libwebp say what was wrong that way. */
interface CodecLog {
  last: string | null;
}

/**
 * jsquash's Emscripten codecs keep one instance per package; giving each call a fresh one lets
 * the memory a large image grew it to go with the call instead of staying for the process.
 * `init` sets the instance before it returns, and the codec reads it at once, so calls that
 * overlap each keep their own. The codec's printing goes to `log` instead of the console.
 */
function freshInstance(init: unknown, module: WebAssembly.Module, log: CodecLog): void {
  const quiet = {
    print() {},
    printErr(message: string) {
      log.last = message;
    },
  };
  (init as (module: WebAssembly.Module, options: object) => Promise<void>)(module, quiet);
}

/** An Error from what a codec threw (Emscripten throws non-Errors on exit) and what it printed. */
function codecError(e: unknown, log: CodecLog): Error {
  if (log.last) return new Error(log.last);
  if (e instanceof Error) return e;
  const status = (e as { status?: unknown })?.status;
  return new Error(status === undefined ? String(e) : `the codec stopped with status ${status}`);
}

function copyOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

function asPixels(image: ImageData): Pixels {
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
      freshInstance(initJpegDecoder, await wasmModule("jpegDecoder"), log);
      return asPixels(await decodeJpegWasm(copyOf(bytes), { preserveOrientation: true }));
    }
    if (format === "webp") {
      freshInstance(initWebpDecoder, await wasmModule("webpDecoder"), log);
      return asPixels(await decodeWebpWasm(copyOf(bytes)));
    }
    // The PNG codec (wasm-bindgen) can only be set up once per process.
    pngReady ??= wasmModule("pngDecoder").then((m) => initPngDecoder(m));
    await pngReady;
    return asPixels(await decodePngWasm(copyOf(bytes)));
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
    freshInstance(initJpegEncoder, await wasmModule("jpegEncoder"), log);
    const image = { ...pixels, colorSpace: "srgb" } as ImageData;
    return new Uint8Array(await encodeJpegWasm(image, { quality, progressive: false }));
  } catch (e) {
    throw codecError(e, log);
  }
}
