/**
 * Sixel output (DEC VT330/VT340 graphics, "Sixel Graphics" in the VT330/VT340 Programmer Reference Manual, ch. 14):
 * `DCS P1;P2;P3 q`, raster attributes `"1;1;W;H` (square pixels, the image size), colour registers
 * `#n;2;r;g;b` (RGB in percent), then bands of six pixel rows: for each colour used in the band `#n` and one character
 * per column (0x3F + a bit per row, bit 0 the top row), `!count<char>` for repeats, `$` back to the band's start for
 * the next colour, `-` to the next band; `ST` ends it. Colours are reduced to a fixed 6×6×6 cube (216 registers), so
 * the output is deterministic and needs no palette search.
 */
import type { Rgba } from './decode.js';
import { graphicsSize } from './cell-size.js';
import { opaque, resize } from './scale.js';

const level = (v: number): number => Math.round((v / 255) * 5);
const percent = (l: number): number => Math.round((l / 5) * 100);

function runLength(chars: string[]): string {
  let out = '';
  for (let i = 0; i < chars.length; ) {
    let j = i + 1;
    while (j < chars.length && chars[j] === chars[i]) j++;
    const n = j - i;
    out += n > 3 ? `!${n}${chars[i]}` : chars[i]!.repeat(n);
    i = j;
  }
  return out;
}

/** The sixel sequence for `img` fitted into `cols` × `rows` cells, drawn from the cursor. */
export function sixelImage(img: Rgba, cols: number, rows: number): string {
  const size = graphicsSize(img.width, img.height, cols, rows);
  // Sixel pixels are screen pixels: a small image is enlarged to fill the box (pixels repeated).
  const px = resize(img, size.fill.width, size.fill.height);
  const { width, height } = px;
  const index = new Uint8Array(width * height);
  const used = new Set<number>();
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = opaque(px.data, i * 4);
    index[i] = level(r) * 36 + level(g) * 6 + level(b);
    used.add(index[i]!);
  }
  let out = `\x1bP0;1;0q"1;1;${width};${height}`;
  for (const c of [...used].sort((a, b) => a - b)) {
    out += `#${c};2;${percent(Math.floor(c / 36))};${percent(Math.floor(c / 6) % 6)};${percent(c % 6)}`;
  }
  for (let top = 0; top < height; top += 6) {
    const colours = new Set<number>();
    for (let y = top; y < Math.min(top + 6, height); y++) for (let x = 0; x < width; x++) colours.add(index[y * width + x]!);
    const parts: string[] = [];
    for (const c of [...colours].sort((a, b) => a - b)) {
      const chars: string[] = [];
      for (let x = 0; x < width; x++) {
        let bits = 0;
        for (let k = 0; k < 6 && top + k < height; k++) if (index[(top + k) * width + x] === c) bits |= 1 << k;
        chars.push(String.fromCharCode(0x3f + bits));
      }
      parts.push(`#${c}${runLength(chars)}`);
    }
    out += parts.join('$') + (top + 6 < height ? '-' : '');
  }
  return `${out}\x1b\\`;
}
