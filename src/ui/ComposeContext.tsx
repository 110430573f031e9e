/**
 * One row above the composer while the user answers a selected message: "↳ replying to alice: first words…",
 * "✎ editing your message", the reaction picker ("1 👍  2 ❤️ …") or the delete question. Absent otherwise.
 */
import { memo } from 'react';
import { Box, Text } from 'ink';
import { quickReactions } from '../core/commands/shortcodes.js';
import type { Message } from '../core/model.js';
import { truncate } from './wrap.js';

export type ComposeContextState =
  | { kind: 'reply'; message: Message }
  | { kind: 'edit'; message: Message }
  | { kind: 'react'; message: Message }
  | { kind: 'delete'; message: Message };

const firstWords = (m: Message) => m.body.replace(/\s+/g, ' ').trim();

/** The row's text; exported for tests. */
export function contextText(s: ComposeContextState): string {
  const who = s.message.senderName || s.message.senderId;
  switch (s.kind) {
    case 'reply':
      return `↳ replying to ${who}: ${firstWords(s.message)}`;
    case 'edit':
      return `✎ editing your message (Enter saves, Esc cancels)`;
    case 'react':
      return `react: ${quickReactions.map((r, i) => `${i + 1} ${r}`).join('  ')}  (: for a :shortcode:, Esc closes)`;
    case 'delete':
      return `delete your message "${firstWords(s.message)}" for everyone? y/n`;
  }
}

function ComposeContextView({ state, width }: { state: ComposeContextState; width: number }) {
  const text = contextText(state);
  const suffix = state.kind === 'reply' ? ' (Esc cancels)' : '';
  const body = truncate(text, Math.max(1, width - suffix.length));
  return (
    <Box height={1} width={width}>
      <Text wrap="truncate-end" color={state.kind === 'delete' ? 'yellow' : 'cyan'}>
        {body}
        <Text dimColor>{suffix}</Text>
      </Text>
    </Box>
  );
}

export const ComposeContext = memo(ComposeContextView);
