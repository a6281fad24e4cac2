import type { Pixels } from "./codecs.ts";

/** Weights below this are float noise at the last row or column. */
const EPSILON = 1e-6;

function add(acc: Float32Array, o: number, r: number, g: number, b: number, w: number): void {
  acc[o] = acc[o]! + r * w;
  acc[o + 1] = acc[o + 1]! + g * w;
  acc[o + 2] = acc[o + 2]! + b * w;
}

/** For each source column (or row): the output index it starts in and its weight there. */
function spans(from: number, to: number): { index: Int32Array; first: Float32Array } {
  const scale = to / from;
  const index = new Int32Array(from);
  const first = new Float32Array(from);
  for (let i = 0; i < from; i++) {
    const start = i * scale;
    const o = Math.min(Math.floor(start), to - 1);
    index[i] = o;
    // A source pixel is narrower than an output one, so it overlaps at most two.
    first[i] = Math.min(scale, o + 1 - start);
  }
  return { index, first };
}

/**
 * Shrinks RGBA pixels to `width`×`height` by area averaging (every source pixel counts by the
 * share of each output pixel it covers) and lays transparency over white, for JPEG. Rows are
 * streamed through two accumulator rows, so memory is the output plus a few rows.
 */
export function downscaleOnWhite(src: Pixels, width: number, height: number): Pixels {
  const sw = src.width;
  const sh = src.height;
  if (width > sw || height > sh) throw new RangeError("downscaleOnWhite only shrinks");
  const sx = width / sw;
  const sy = height / sh;
  const xs = spans(sw, width);
  const ys = spans(sh, height);
  const out = new Uint8ClampedArray(width * height * 4);
  let current = new Float32Array((width + 1) * 3);
  let next = new Float32Array((width + 1) * 3);
  let row = 0;
  const flush = () => {
    let o = row * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      out[o] = current[x * 3]!;
      out[o + 1] = current[x * 3 + 1]!;
      out[o + 2] = current[x * 3 + 2]!;
      out[o + 3] = 255;
    }
    [current, next] = [next, current];
    next.fill(0);
    row++;
  };
  const data = src.data;
  for (let y = 0; y < sh; y++) {
    while (ys.index[y]! > row) flush();
    const wy0 = ys.first[y]!;
    const wy1 = sy - wy0;
    let p = y * sw * 4;
    for (let x = 0; x < sw; x++, p += 4) {
      const a = data[p + 3]!;
      const white = 255 - a;
      const r = (data[p]! * a) / 255 + white;
      const g = (data[p + 1]! * a) / 255 + white;
      const b = (data[p + 2]! * a) / 255 + white;
      const o = xs.index[x]! * 3;
      const wx0 = xs.first[x]!;
      const wx1 = sx - wx0;
      add(current, o, r, g, b, wx0 * wy0);
      if (wx1 > EPSILON) add(current, o + 3, r, g, b, wx1 * wy0);
      if (wy1 > EPSILON) {
        add(next, o, r, g, b, wx0 * wy1);
        if (wx1 > EPSILON) add(next, o + 3, r, g, b, wx1 * wy1);
      }
    }
  }
  while (row < height) flush();
  return { data: out, width, height };
}

/** The size that fits within `maxSide` on both sides, keeping the aspect ratio; never larger. */
export function fitWithin(width: number, height: number, maxSide: number): [number, number] {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return [
    Math.max(1, Math.min(width, Math.round(width * scale))),
    Math.max(1, Math.min(height, Math.round(height * scale))),
  ];
}
