/** The bordered box overlays draw in (it takes the timeline's place): a title row and a body of fixed height. */
import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import { truncate } from './wrap.js';

export function OverlayFrame(props: { title: string; footer?: string; width: number; height: number; children: ReactNode }) {
  return (
    <Box
      flexDirection="column"
      width={props.width}
      height={props.height}
      borderStyle="round"
      borderColor="cyan"
      overflow="hidden"
    >
      <Box height={1}>
        <Text bold color="cyan">
          {truncate(props.title, props.width - 2)}
        </Text>
      </Box>
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {props.children}
      </Box>
      {props.footer ? (
        <Box height={1}>
          <Text dimColor>{truncate(props.footer, props.width - 2)}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** Rows available for list entries inside a frame of `height` (border, title and footer excluded). */
export function overlayBodyRows(height: number, hasFooter = true): number {
  return Math.max(1, height - 2 - 1 - (hasFooter ? 1 : 0));
}

/** The first entry to show so that `index` stays visible in a list of `rows` rows. */
export function listStart(index: number, count: number, rows: number): number {
  return Math.max(0, Math.min(index - Math.floor(rows / 2), count - rows));
}
