/**
 * The top row: the conversation title (bold), an encryption marker, and the topic (already sanitized), truncated. An
 * unanswered invitation says who sent it and how to answer instead of the topic.
 */
import { memo } from 'react';
import { Box, Text } from 'ink';
import type { Conversation } from '../core/model.js';
import { textWidth, truncate } from './wrap.js';

function HeaderView({ conversation, width }: { conversation: Conversation | undefined; width: number }) {
  if (!conversation) {
    return (
      <Box height={1} width={width}>
        <Text dimColor>{truncate('natter — no conversation open (/join, /query, Ctrl-K)', width)}</Text>
      </Box>
    );
  }
  const title = conversation.title || conversation.remoteId;
  const lock = conversation.encrypted ? ' 🔒' : '';
  const topic = conversation.invitedBy
    ? ` — invited by ${conversation.invitedBy}: /join accepts, /decline refuses`
    : conversation.topic
      ? ` — ${conversation.topic.replace(/\s+/g, ' ')}`
      : '';
  const head = truncate(`${title}${lock}`, width);
  return (
    <Box height={1} width={width}>
      <Text wrap="truncate-end">
        <Text bold>{head}</Text>
        <Text dimColor>{truncate(topic, Math.max(0, width - textWidth(head)))}</Text>
      </Text>
    </Box>
  );
}

/** Memoized: re-renders only when its props changed (a keystroke in the composer leaves it alone). */
export const Header = memo(HeaderView);
