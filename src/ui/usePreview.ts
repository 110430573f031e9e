/**
 * State of the image preview overlay: fetching the attachment, decoding it, and — for kitty and sixel — writing the
 * graphics into the overlay's box once Ink has written its frame (so the frame does not paint over it), and removing
 * them again when the preview closes or the box moves (kitty `a=d`; sixel pixels are overwritten with spaces, which is
 * what Ink believes those cells hold, so its next frame repaints them correctly).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineApi } from '../core/engine-api.js';
import { userMessageOf } from '../core/errors.js';
import { loadImage, type Rgba } from './image/decode.js';
import { kittyDelete, kittyImage } from './image/kitty.js';
import { imageFile, imageLabel, type ImageTarget } from './image/preview-target.js';
import type { ImageOutput, ImageProtocol } from './image/probe.js';
import { sixelImage } from './image/sixel.js';

export type PreviewState =
  | { status: 'loading'; title: string }
  | { status: 'error'; title: string; error: string }
  | { status: 'ready'; title: string; image: Rgba; protocol: ImageProtocol };

/** The overlay body's place on the screen (1-based row and column of its top-left cell) and size in cells. */
export interface PreviewBox {
  row: number;
  col: number;
  cols: number;
  rows: number;
}

/** Without a terminal writer (tests, no TTY) previews are half-blocks. */
export const blocksOnly: ImageOutput = { protocol: () => Promise.resolve('blocks'), write: () => {} };

export function usePreview(engine: Pick<EngineApi, 'dispatch'>, images: ImageOutput, box: PreviewBox, open: boolean) {
  const [state, setState] = useState<PreviewState | undefined>(undefined);
  const request = useRef(0);

  /** Starts previewing `target` (a newer call wins over one still loading). */
  const start = useCallback(
    (target: ImageTarget): void => {
      const id = ++request.current;
      const title = imageLabel(target);
      setState({ status: 'loading', title });
      void (async (): Promise<PreviewState> => {
        try {
          const protocol = await images.protocol();
          if (protocol === 'off') return { status: 'error', title, error: 'image previews are off ([ui] images); /open shows it' };
          const image = await loadImage(await imageFile(engine, target), title);
          return { status: 'ready', title: `${title} (${image.width}×${image.height})`, image, protocol };
        } catch (e) {
          return { status: 'error', title, error: userMessageOf(e) };
        }
      })().then((s) => {
        if (request.current === id) setState(s);
      });
    },
    [engine, images],
  );

  const { row, col, cols, rows } = box;
  const ready = open && state?.status === 'ready' ? state : undefined;
  useEffect(() => {
    if (!ready || ready.protocol === 'blocks') return;
    let cancelled = false;
    const at = (r: number, c: number): string => `\x1b[${r};${c}H`;
    const seq = ready.protocol === 'kitty' ? kittyImage(ready.image, cols, rows) : sixelImage(ready.image, cols, rows);
    // After Ink's frame (it would paint the box's blank cells over a sixel image); DECSC/DECRC keep Ink's cursor.
    void (images.afterFrame?.() ?? Promise.resolve()).then(() => {
      if (!cancelled) images.write(`\x1b7${at(row, col)}${seq}\x1b8`);
    });
    return () => {
      cancelled = true;
      if (ready.protocol === 'kitty') images.write(kittyDelete());
      else images.write(`\x1b7${Array.from({ length: rows }, (_, i) => at(row + i, col) + ' '.repeat(cols)).join('')}\x1b8`);
    };
  }, [ready, images, row, col, cols, rows]);

  return { state, start, clear: () => setState(undefined) };
}
