/**
 * A sidebar row: conversation title, mention badge (highlighted) and unread count; inverted when selected. An
 * unanswered invitation is marked with ✉ before the title. Members of a group (space, roster group) are indented.
 */
import { memo } from 'react';
import { Text } from 'ink';
import type { Conversation } from '../core/model.js';
import { fit, textWidth, truncate } from './wrap.js';

function SidebarConversationRowView(props: { conversation: Conversation; width: number; selected: boolean; indent?: number; label?: string }) {
  const c = props.conversation;
  const unread = c.unread > 0 ? String(c.unread) : '';
  const mentions = c.mentions > 0 ? `@${c.mentions}` : '';
  const badge = [mentions, unread].filter(Boolean).join(' ');
  const indent = props.indent ?? 0;
  const nameWidth = Math.max(1, props.width - 2 - indent - (badge ? textWidth(badge) + 1 : 0));
  const name = fit(truncate(props.label ?? (c.title || c.remoteId), nameWidth), nameWidth);
  return (
    <Text wrap="truncate-end" inverse={props.selected}>
      {indent > 0 ? <Text>{' '.repeat(indent)}</Text> : null}
      {c.invitedBy ? <Text color="magenta">{fit('✉', 2)}</Text> : <Text>{'  '}</Text>}
      <Text bold={c.unread > 0} dimColor={!c.joined && c.kind !== 'direct' && !props.selected}>
        {name}
      </Text>
      {badge ? <Text> </Text> : null}
      {mentions ? (
        <Text color="yellow" bold inverse={!props.selected}>
          {mentions}
        </Text>
      ) : null}
      {mentions && unread ? <Text> </Text> : null}
      {unread ? <Text color="cyan">{unread}</Text> : null}
    </Text>
  );
}

/** Memoized: re-renders only when its props changed (a keystroke in the composer leaves it alone). */
export const SidebarConversationRow = memo(SidebarConversationRowView);
