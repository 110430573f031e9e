/**
 * Ctrl-K: a fuzzy switcher over every conversation of every account. The filtering happens in the App (fuzzyFilter
 * from the command layer); this draws the query and the matching rows with the selection inverted.
 */
import { Box, Text } from 'ink';
import type { Conversation } from '../core/model.js';
import { OverlayFrame, listStart, overlayBodyRows } from './OverlayFrame.js';
import { fit, truncate } from './wrap.js';

export interface SwitcherProps {
  query: string;
  matches: Conversation[];
  index: number;
  width: number;
  height: number;
}

export function Switcher({ query, matches, index, width, height }: SwitcherProps) {
  const rows = Math.max(1, overlayBodyRows(height) - 1);
  const start = listStart(index, matches.length, rows);
  const inner = width - 2;
  return (
    <OverlayFrame title="Switch to conversation" footer="Enter open · Up/Down select · Esc close" width={width} height={height}>
      <Box height={1}>
        <Text>
          <Text color="cyan">{'> '}</Text>
          {truncate(query, inner - 3)}
          <Text inverse> </Text>
        </Text>
      </Box>
      {matches.length === 0 ? <Text dimColor>no match</Text> : null}
      {matches.slice(start, start + rows).map((c, i) => {
        const label = `${c.title || c.remoteId}`;
        const account = ` ${c.accountId}`;
        const unread = c.unread > 0 ? ` ${c.unread}` : '';
        return (
          <Box key={c.id} height={1}>
            <Text inverse={start + i === index} wrap="truncate-end">
              {fit(truncate(label, inner - account.length - unread.length) + unread, inner - account.length)}
              <Text dimColor>{account}</Text>
            </Text>
          </Box>
        );
      })}
    </OverlayFrame>
  );
}
