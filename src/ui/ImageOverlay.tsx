/**
 * The image preview (`/preview [n]`): half-block rows drawn as Ink text, or an empty box that usePreview fills with
 * kitty or sixel graphics after the frame. Esc closes it.
 */
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import { toBlocks } from './image/blocks.js';
import { OverlayFrame } from './OverlayFrame.js';
import type { PreviewState } from './usePreview.js';
import { truncate } from './wrap.js';

export interface ImageOverlayProps {
  state: PreviewState | undefined;
  width: number;
  height: number;
  /** Cells of the body (inside border, title and footer). */
  bodyCols: number;
  bodyRows: number;
}

export function ImageOverlay({ state, width, height, bodyCols, bodyRows }: ImageOverlayProps) {
  const image = state?.status === 'ready' ? state.image : undefined;
  const blocks = useMemo(
    () => (image && state?.status === 'ready' && state.protocol === 'blocks' ? toBlocks(image, bodyCols, bodyRows) : undefined),
    [image, state, bodyCols, bodyRows],
  );
  const title = state ? `image: ${state.title}` : 'image';
  let body;
  if (!state || state.status === 'loading') body = <Text dimColor>loading…</Text>;
  else if (state.status === 'error') body = <Text color="red">{truncate(state.error, bodyCols)}</Text>;
  else if (blocks) {
    body = blocks.rows.map((row, y) => (
      <Box key={y} height={1}>
        <Text>
          {row.map((run, i) => (
            <Text key={i} color={run.fg} backgroundColor={run.bg}>
              {run.text}
            </Text>
          ))}
        </Text>
      </Box>
    ));
  } else body = null; // kitty / sixel: drawn over the empty body after the frame
  return (
    <OverlayFrame title={title} footer={`Esc closes${state?.status === 'ready' ? ` · ${state.protocol}` : ''}`} width={width} height={height}>
      {body}
    </OverlayFrame>
  );
}
