/**
 * Pixel sizes for the graphics protocols. natter does not ask the terminal for its cell size (one more query and
 * reply); it assumes the common 10 × 20 pixel cell, which only affects how many pixels are sent, not where the image
 * goes: kitty scales the image into the cells named by `c`/`r`, and a sixel image a little smaller or larger than
 * the box still starts at the box's corner.
 */

export const cellWidthPx = 10;
export const cellHeightPx = 20;

/**
 * For an image of `w` × `h` in a box of `cols` × `rows` cells: the size filling the box with the aspect ratio kept
 * (`fill`, enlarged if need be: small images are worth seeing), the pixels worth sending (`width`/`height`: the image
 * never enlarged, at most the fill size), and the cells the filled image covers.
 */
export function graphicsSize(
  w: number,
  h: number,
  cols: number,
  rows: number,
): { width: number; height: number; fill: { width: number; height: number }; cols: number; rows: number } {
  const s = Math.min((cols * cellWidthPx) / w, (rows * cellHeightPx) / h);
  const fill = { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) };
  const k = Math.min(1, s);
  return {
    width: Math.max(1, Math.round(w * k)),
    height: Math.max(1, Math.round(h * k)),
    fill,
    cols: Math.max(1, Math.min(cols, Math.ceil(fill.width / cellWidthPx))),
    rows: Math.max(1, Math.min(rows, Math.ceil(fill.height / cellHeightPx))),
  };
}
