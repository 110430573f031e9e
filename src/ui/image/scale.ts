/**
 * Scaling decoded pixels to a box of terminal cells, keeping the aspect ratio. A cell is about twice as tall as it is
 * wide, so one cell holds 1×2 "pixels" for half-blocks; kitty and sixel get real pixels at an assumed cell size.
 */
import type { Rgba } from './decode.js';

/** The largest width × height that fits `maxW` × `maxH` with the aspect ratio of `w` × `h` (never enlarged, ≥ 1). */
export function fitSize(w: number, h: number, maxW: number, maxH: number): { width: number; height: number } {
  const s = Math.min(1, maxW / w, maxH / h);
  return { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) };
}

/**
 * Resamples to exactly `width` × `height` by averaging the source pixels each target pixel covers (a box filter:
 * downscaling without the sparkle of nearest-neighbour); an upscale repeats pixels.
 */
export function resize(img: Rgba, width: number, height: number): Rgba {
  if (width === img.width && height === img.height) return img;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * img.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * img.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * img.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * img.width) / width));
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const i = (sy * img.width + sx) * 4;
          r += img.data[i]!;
          g += img.data[i + 1]!;
          b += img.data[i + 2]!;
          a += img.data[i + 3]!;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * width + x) * 4;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(b / n);
      out[o + 3] = Math.round(a / n);
    }
  }
  return { width, height, data: out };
}

/** Blends a pixel over black by its alpha (terminals have no transparency in half-blocks or this sixel encoder). */
export function opaque(data: Uint8Array, i: number): [number, number, number] {
  const a = data[i + 3]! / 255;
  return [Math.round(data[i]! * a), Math.round(data[i + 1]! * a), Math.round(data[i + 2]! * a)];
}
