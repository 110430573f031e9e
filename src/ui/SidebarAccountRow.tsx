/** A sidebar heading: the account name with its connection state glyph and colour. */
import { memo } from 'react';
import { Text } from 'ink';
import type { Account } from '../core/model.js';
import { connectionLook } from './styles.js';
import { fit } from './wrap.js';

function SidebarAccountRowView({ account, width }: { account: Account; width: number }) {
  const look = connectionLook[account.state];
  return (
    <Text wrap="truncate-end">
      <Text color={look.color}>{look.glyph} </Text>
      <Text bold>{fit(account.id, width - 2)}</Text>
    </Text>
  );
}

/** Memoized: re-renders only when its props changed (a keystroke in the composer leaves it alone). */
export const SidebarAccountRow = memo(SidebarAccountRowView);
