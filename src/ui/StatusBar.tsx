/**
 * The bottom row: who is typing, or the latest feedback (a command's result or the engine's status), and on the right
 * each account with its connection glyph.
 */
import { memo } from 'react';
import { Box, Text } from 'ink';
import type { Account } from '../core/model.js';
import type { StatusMessage } from '../core/engine-api.js';
import { connectionLook } from './styles.js';
import { textWidth, truncate } from './wrap.js';

export interface StatusBarProps {
  width: number;
  message: StatusMessage | undefined;
  typing: string[];
  accounts: Account[];
  /** While a message is selected: how it was protected and what the keys do (see protection-text.ts). */
  selection?: string;
}

function typingText(names: string[]): string {
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

const levelColor = { info: undefined, warn: 'yellow', error: 'red' } as const;

function StatusBarView({ width, message, typing, accounts, selection }: StatusBarProps) {
  const right = accounts.map((a) => `${connectionLook[a.state].glyph}${a.id}`).join(' ');
  const rightText = truncate(right, Math.max(0, Math.floor(width / 3)));
  const leftWidth = Math.max(0, width - textWidth(rightText) - 1);
  const typingLine = typing.length > 0 ? typingText(typing) : '';
  const msg = message ? message.text.replace(/\s+/g, ' ') : '';
  // A warning or error stays visible over the selection summary (it may be the answer to what was just done with it).
  const freshProblem = message !== undefined && message.level !== 'info' && Date.now() - message.at < 10_000;
  const shownSelection = freshProblem ? undefined : selection;
  const left = shownSelection ?? (typingLine && msg ? `${typingLine}  ${msg}` : typingLine || msg);
  return (
    <Box height={1} width={width}>
      <Box width={leftWidth} height={1}>
        <Text wrap="truncate-end" color={shownSelection ? 'cyan' : message && !typingLine ? levelColor[message.level] : undefined} italic={!shownSelection && !!typingLine}>
          {truncate(left, leftWidth)}
        </Text>
      </Box>
      <Box flexGrow={1} justifyContent="flex-end" height={1}>
        <Text wrap="truncate-end">
          {accounts.map((a, i) => (
            <Text key={a.id} color={connectionLook[a.state].color}>
              {i > 0 ? ' ' : ''}
              {connectionLook[a.state].glyph}
              {rightText.length >= right.length ? a.id : ''}
            </Text>
          ))}
        </Text>
      </Box>
    </Box>
  );
}

/** Memoized: re-renders only when its props changed (a keystroke in the composer leaves it alone). */
export const StatusBar = memo(StatusBarView);
