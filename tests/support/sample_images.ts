/**
 * Pictures the image tests make for themselves: the files A1111/Forge and ComfyUI write, with
 * their prompts inside, and plain ones without.
 */
import {
  buildTiff,
  exifApp1,
  insertJpegSegments,
  userCommentEntry,
  webpWithExif,
} from "./exif_writer.ts";
import { jpegFrom, webpFrom } from "./image_encoders.ts";
import { gradient, makePng, textChunk } from "./png_writer.ts";

/** The A1111 `parameters` text every sample carries. */
export const A1111_PARAMETERS = "a lighthouse on a cliff at dusk, <lora:film_grain:0.6>\n" +
  "Negative prompt: blurry, lowres\n" +
  "Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 1234567, Size: 832x1216, " +
  'Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Version: "v1.10.1"';

/** A ComfyUI API graph as ComfyUI embeds it in the PNGs it saves. */
export const COMFY_GRAPH = {
  "3": {
    class_type: "KSampler",
    inputs: {
      seed: 8566257,
      steps: 20,
      cfg: 8,
      sampler_name: "euler",
      scheduler: "normal",
      denoise: 1,
      model: ["4", 0],
      positive: ["6", 0],
      negative: ["7", 0],
      latent_image: ["5", 0],
    },
  },
  "4": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "juggernautXL.safetensors" } },
  "5": { class_type: "EmptyLatentImage", inputs: { width: 1024, height: 1024, batch_size: 1 } },
  "6": {
    class_type: "CLIPTextEncode",
    inputs: { text: "a red fox in fresh snow, golden hour", clip: ["4", 1] },
  },
  "7": { class_type: "CLIPTextEncode", inputs: { text: "watermark, text", clip: ["4", 1] } },
  "8": { class_type: "VAEDecode", inputs: { samples: ["3", 0], vae: ["4", 2] } },
  "9": { class_type: "SaveImage", inputs: { filename_prefix: "ComfyUI", images: ["8", 0] } },
};

/** A PNG as A1111 or Forge saves it. */
export function a1111Png(width = 64, height = 48): Uint8Array {
  return makePng(width, height, [textChunk("parameters", A1111_PARAMETERS)]);
}

/** A PNG as ComfyUI saves it, with its API graph (and a stand-in editor workflow). */
export function comfyPng(width = 64, height = 48): Uint8Array {
  return makePng(width, height, [
    textChunk("prompt", JSON.stringify(COMFY_GRAPH)),
    textChunk("workflow", JSON.stringify({ nodes: [], links: [], version: 0.4 })),
  ]);
}

/** A JPEG as A1111 saves it: the parameters in Exif UserComment, UTF-16 as piexif writes it. */
export async function a1111Jpeg(width = 64, height = 48): Promise<Uint8Array> {
  const jpeg = await jpegFrom(gradient(width, height), width, height);
  const tiff = buildTiff({ exif: [userCommentEntry(A1111_PARAMETERS, "unicode-be")] });
  return insertJpegSegments(jpeg, exifApp1(tiff));
}

/** A WebP as A1111 saves it: the same Exif, in an EXIF chunk. */
export async function a1111Webp(width = 64, height = 48): Promise<Uint8Array> {
  const webp = await webpFrom(gradient(width, height), width, height);
  return webpWithExif(
    webp,
    buildTiff({ exif: [userCommentEntry(A1111_PARAMETERS, "unicode-be")] }),
  );
}

/** A photo-like JPEG with no metadata. */
export async function plainJpeg(width = 64, height = 48): Promise<Uint8Array> {
  return await jpegFrom(gradient(width, height), width, height);
}

/** A WebP with no metadata. */
export async function plainWebp(width = 64, height = 48): Promise<Uint8Array> {
  return await webpFrom(gradient(width, height), width, height);
}

/** A GIF header: a real format we do not take. */
export const GIF = new TextEncoder().encode("GIF89a\x10\x00\x10\x00\x00\x00\x00;");
