import { deepEqual, equal } from "node:assert/strict";
import { downscaleOnWhite, fitWithin } from "./downscale.ts";

function image(width: number, height: number, pixel: (x: number, y: number) => number[]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  }
  return { data, width, height };
}

function mean(data: Uint8ClampedArray, channel: number): number {
  let sum = 0;
  for (let i = channel; i < data.length; i += 4) sum += data[i]!;
  return sum / (data.length / 4);
}

Deno.test("downscaleOnWhite() averages whole blocks exactly when the ratio is whole", () => {
  const colors = [[200, 0, 0], [0, 200, 0], [0, 0, 200], [100, 100, 100]];
  const src = image(4, 4, (x, y) => [...colors[(y >> 1) * 2 + (x >> 1)]!, 255]);
  const out = downscaleOnWhite(src, 2, 2);
  deepEqual([...out.data], colors.flatMap((c) => [...c, 255]));
});

Deno.test("downscaleOnWhite() keeps the mean colour at uneven ratios (every pixel counts once)", () => {
  const src = image(7, 5, (x, y) => [x * 36, y * 60, (x * y * 9) % 256, 255]);
  for (const [w, h] of [[3, 2], [5, 4], [1, 1], [7, 5]]) {
    const out = downscaleOnWhite(src, w!, h!);
    for (const c of [0, 1, 2]) {
      const diff = Math.abs(mean(out.data, c) - mean(src.data, c));
      equal(diff < 1, true, `${w}×${h} channel ${c} is off by ${diff}`);
    }
  }
});

Deno.test("downscaleOnWhite() lays transparency over white", () => {
  const out = downscaleOnWhite(image(2, 2, (x) => (x ? [255, 0, 0, 128] : [0, 0, 0, 0])), 2, 2);
  deepEqual([...out.data.subarray(0, 8)], [255, 255, 255, 255, 255, 127, 127, 255]);
});

Deno.test("fitWithin() keeps the aspect ratio, never enlarges and never reaches zero", () => {
  deepEqual(fitWithin(6000, 4000, 1536), [1536, 1024]);
  deepEqual(fitWithin(832, 1216, 256), [175, 256]);
  deepEqual(fitWithin(100, 50, 1536), [100, 50]);
  deepEqual(fitWithin(10000, 3, 256), [256, 1]);
});
