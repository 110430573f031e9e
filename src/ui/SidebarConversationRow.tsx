/** A sidebar row: conversation title, mention badge (highlighted) and unread count; inverted when selected. */
import { Text } from 'ink';
import type { SidebarEntry } from './sidebar-order.js';
import { fit, textWidth, truncate } from './wrap.js';

export function SidebarConversationRow(props: {
  entry: Extract<SidebarEntry, { type: 'conversation' }>;
  width: number;
  selected: boolean;
}) {
  const c = props.entry.conversation;
  const unread = c.unread > 0 ? String(c.unread) : '';
  const mentions = c.mentions > 0 ? `@${c.mentions}` : '';
  const badge = [mentions, unread].filter(Boolean).join(' ');
  const nameWidth = Math.max(1, props.width - 2 - (badge ? textWidth(badge) + 1 : 0));
  const name = fit(truncate(c.title || c.remoteId, nameWidth), nameWidth);
  return (
    <Text wrap="truncate-end" inverse={props.selected}>
      <Text>{'  '}</Text>
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

