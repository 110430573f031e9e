/**
 * Half-block rendering for terminals without a graphics protocol: each cell shows two vertically stacked pixels as
 * `▀` (U+2580 UPPER HALF BLOCK, one column wide everywhere) with the top pixel as the foreground colour and the bottom
 * pixel as the background colour, both 24-bit ("#rrggbb", which Ink writes as truecolor SGR 38;2 / 48;2).
 */
import type { Rgba } from './decode.js';
import { fitSize, opaque, resize } from './scale.js';

/** A run of equal cells in a row. `bg` is absent in the last row of an image with an odd pixel height. */
export interface BlockRun {
  fg: string;
  bg?: string;
  /** The run's characters (all `▀`). */
  text: string;
}

/** Rows of half-block runs; every row is `width` columns wide. */
export interface BlockImage {
  width: number;
  rows: BlockRun[][];
}

const hex = (rgb: readonly number[]): string => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** Renders `img` into at most `cols` × `rows` cells keeping its aspect ratio (a cell holds 1 × 2 pixels). */
export function toBlocks(img: Rgba, cols: number, rows: number): BlockImage {
  const size = fitSize(img.width, img.height, Math.max(1, cols), Math.max(1, rows) * 2);
  const px = resize(img, size.width, size.height);
  const out: BlockRun[][] = [];
  for (let y = 0; y < px.height; y += 2) {
    const row: BlockRun[] = [];
    for (let x = 0; x < px.width; x++) {
      const fg = hex(opaque(px.data, (y * px.width + x) * 4));
      const bg = y + 1 < px.height ? hex(opaque(px.data, ((y + 1) * px.width + x) * 4)) : undefined;
      const last = row[row.length - 1];
      if (last && last.fg === fg && last.bg === bg) last.text += '▀';
      else row.push(bg === undefined ? { fg, text: '▀' } : { fg, bg, text: '▀' });
    }
    out.push(row);
  }
  return { width: px.width, rows: out };
}
