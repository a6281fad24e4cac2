import encodeWebpWasm, { init as initWebpEncoder } from "@jsquash/webp/encode.js";
import { encodeJpeg } from "../../lib/images/codecs.ts";

let webpReady: Promise<unknown> | null = null;

/** RGBA pixels as a JPEG, by the same encoder the app uses. */
export function jpegFrom(rgba: Uint8Array, width: number, height: number, quality = 90) {
  return encodeJpeg({ data: new Uint8ClampedArray(rgba), width, height }, quality);
}

/** RGBA pixels as a WebP, by libwebp (jsquash's encoder; tests only). */
export async function webpFrom(
  rgba: Uint8Array,
  width: number,
  height: number,
  lossless = false,
): Promise<Uint8Array> {
  // The package picks its SIMD build when the runtime has SIMD, as V8 does; it needs the matching file.
  webpReady ??= Deno.readFile(
    new URL(import.meta.resolve("@jsquash/webp/codec/enc/webp_enc_simd.wasm")),
  ).then((bytes) => WebAssembly.compile(bytes)).then((m) =>
    (initWebpEncoder as unknown as (m: WebAssembly.Module) => Promise<unknown>)(m)
  );
  await webpReady;
  const image = { data: new Uint8ClampedArray(rgba), width, height, colorSpace: "srgb" };
  return new Uint8Array(
    await encodeWebpWasm(image as ImageData, { quality: 80, lossless: lossless ? 1 : 0 }),
  );
}
