/** A sidebar heading: the account name with its connection state glyph and colour. */
import { Text } from 'ink';
import type { SidebarEntry } from './sidebar-order.js';
import { connectionLook } from './styles.js';
import { fit } from './wrap.js';

export function SidebarAccountRow({ entry, width }: { entry: Extract<SidebarEntry, { type: 'account' }>; width: number }) {
  const look = connectionLook[entry.account.state];
  return (
    <Text wrap="truncate-end">
      <Text color={look.color}>{look.glyph} </Text>
      <Text bold>{fit(entry.account.id, width - 2)}</Text>
    </Text>
  );
}

