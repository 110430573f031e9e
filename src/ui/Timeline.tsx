/**
 * The centre pane: exactly the rows of the viewport (never the whole conversation), bottom-aligned, with a
 * "N new messages ↓" hint on the last row while scrolled up and new messages arrived.
 */
import { memo } from 'react';
import { Box, Text } from 'ink';
import { StyledLine } from './StyledLine.js';
import type { Viewport } from './timeline-window.js';

export interface TimelineProps {
  view: Viewport;
  width: number;
  height: number;
  /** Text to show when there is no conversation or no message. */
  empty?: string;
}

function TimelineView({ view, width, height, empty }: TimelineProps) {
  const hint = !view.following && view.newCount > 0;
  // The hint covers the bottom row rather than pushing the view up: what the user reads stays where it is.
  const rows = hint && view.lines.length >= height ? view.lines.slice(0, height - 1) : view.lines;
  const keys = view.keys.slice(0, rows.length);
  // No overflow="hidden": the viewport never has more rows than `height` and each row truncates to the width, and a clip
  // box makes Ink measure and slice every line of every frame again.
  return (
    <Box flexDirection="column" width={width} height={height} justifyContent="flex-end">
      {rows.length === 0 && empty ? (
        <Box height={1}>
          <Text dimColor>{empty}</Text>
        </Box>
      ) : null}
      {/* One Text per row (no wrapper Box): lines are pre-wrapped to the width, and fewer nodes make frames cheaper. */}
      {rows.map((line, i) => (
        <StyledLine key={keys[i]} spans={line} />
      ))}
      {hint ? (
        <Box height={1} width={width} justifyContent="flex-end">
          <Text color="black" backgroundColor="yellow">
            {` ${view.newCount} new message${view.newCount === 1 ? '' : 's'} ↓ (End) `}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** Memoized: re-renders only when its props changed (a keystroke in the composer leaves it alone). */
export const Timeline = memo(TimelineView);
