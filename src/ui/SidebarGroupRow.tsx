/**
 * A group heading in the sidebar (a Matrix space's title, an XMPP roster group's name): ▾ when open, ▸ when collapsed;
 * a collapsed group shows its members' mention and unread sums, since their rows are hidden. Also a person's heading.
 */
import { memo } from 'react';
import { Text } from 'ink';
import { textWidth, truncate } from './wrap.js';

export interface SidebarGroupRowProps {
  title: string;
  collapsed: boolean;
  unread: number;
  mentions: number;
  width: number;
  /** A person's heading (`[[people]]`): marked », counts always shown (it never collapses). */
  person?: boolean;
}

function SidebarGroupRowView({ title, collapsed, unread, mentions, width, person }: SidebarGroupRowProps) {
  const badge = collapsed || person ? [mentions > 0 ? `@${mentions}` : '', unread > 0 ? String(unread) : ''].filter(Boolean).join(' ') : '';
  const nameWidth = Math.max(1, width - 3 - (badge ? textWidth(badge) + 1 : 0));
  const name = truncate(title, nameWidth);
  return (
    <Text wrap="truncate-end">
      <Text dimColor>{person ? ' » ' : collapsed ? ' ▸ ' : ' ▾ '}</Text>
      <Text bold={collapsed && unread > 0} underline>
        {name}
      </Text>
      <Text>{' '.repeat(Math.max(0, nameWidth - textWidth(name)))}</Text>
      {badge ? <Text color={mentions > 0 ? 'yellow' : 'cyan'}> {badge}</Text> : null}
    </Text>
  );
}

/** Memoized: re-renders only when its props changed. */
export const SidebarGroupRow = memo(SidebarGroupRowView);
