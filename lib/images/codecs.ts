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

/**
 * jsquash's Emscripten codecs keep one instance per package; giving each call a fresh one lets
 * the memory a large image grew it to go with the call instead of staying for the process.
 * `init` sets the instance before it returns, and the codec reads it at once, so calls that
 * overlap each keep their own.
 */
function freshInstance(init: unknown, module: WebAssembly.Module): void {
  (init as (module: WebAssembly.Module) => Promise<void>)(module);
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
  if (format === "jpeg") {
    freshInstance(initJpegDecoder, await wasmModule("jpegDecoder"));
    return asPixels(await decodeJpegWasm(copyOf(bytes), { preserveOrientation: true }));
  }
  if (format === "webp") {
    freshInstance(initWebpDecoder, await wasmModule("webpDecoder"));
    return asPixels(await decodeWebpWasm(copyOf(bytes)));
  }
  // The PNG codec (wasm-bindgen) can only be set up once per process.
  pngReady ??= wasmModule("pngDecoder").then((m) => initPngDecoder(m));
  await pngReady;
  return asPixels(await decodePngWasm(copyOf(bytes)));
}

/** Encodes RGBA pixels as a baseline-compatible progressive JPEG. */
export async function encodeJpeg(pixels: Pixels, quality: number): Promise<Uint8Array> {
  freshInstance(initJpegEncoder, await wasmModule("jpegEncoder"));
  const image = { ...pixels, colorSpace: "srgb" } as ImageData;
  return new Uint8Array(await encodeJpegWasm(image, { quality }));
}
