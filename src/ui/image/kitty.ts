/**
 * The kitty graphics protocol (https://sw.kovidgoyal.net/kitty/graphics-protocol/): an APC sequence
 * `ESC _ G <key=value,…> ; <base64 payload> ESC \`. natter transmits and displays in one step (`a=T`), raw RGBA
 * (`f=32`, `s`/`v` the pixel size) compressed with zlib (`o=z`, RFC 1950), scaled by the terminal into `c` × `r`
 * cells, without moving the cursor (`C=1`) and without replies (`q=2`). Payloads over 4096 bytes go in chunks
 * (`m=1` on all but the last, "Remote client" section), as the protocol requires.
 */
import { deflateSync } from 'node:zlib';
import type { Rgba } from './decode.js';
import { graphicsSize } from './cell-size.js';
import { resize } from './scale.js';

/** The image id natter uses for its one preview (any number the terminal can key deletion on). */
export const previewImageId = 7301;

const apc = (control: string, payload = ''): string => `\x1b_G${control}${payload ? `;${payload}` : ''}\x1b\\`;

/** The sequence that shows `img` in a `cols` × `rows` cell box at the cursor (no cursor movement). */
export function kittyImage(img: Rgba, cols: number, rows: number, id = previewImageId): string {
  const size = graphicsSize(img.width, img.height, cols, rows);
  const px = resize(img, size.width, size.height);
  const payload = deflateSync(px.data).toString('base64');
  const chunks: string[] = [];
  for (let i = 0; i < payload.length; i += 4096) chunks.push(payload.slice(i, i + 4096));
  const head = `a=T,f=32,o=z,s=${px.width},v=${px.height},c=${size.cols},r=${size.rows},i=${id},C=1,q=2`;
  return chunks
    .map((chunk, i) => {
      const more = i < chunks.length - 1 ? 1 : 0;
      return apc(i === 0 ? `${head},m=${more}` : `m=${more}`, chunk);
    })
    .join('');
}

/** Deletes the image and frees its data (`a=d`, `d=I`: by id, uppercase frees the stored image too). */
export function kittyDelete(id = previewImageId): string {
  return apc(`a=d,d=I,i=${id},q=2`);
}
