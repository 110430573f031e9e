/**
 * The left pane: accounts with their connection state, and under each its conversations with unread and mention
 * counts, grouped under space / roster group headings; the selected conversation is inverted. Only the rows that fit
 * are rendered; the list scrolls to keep the selection in view.
 */
import { memo } from 'react';
import { Box } from 'ink';
import type { SidebarEntry } from './sidebar-order.js';
import { SidebarAccountRow } from './SidebarAccountRow.js';
import { SidebarConversationRow } from './SidebarConversationRow.js';
import { SidebarGroupRow } from './SidebarGroupRow.js';

export interface SidebarProps {
  entries: SidebarEntry[];
  selectedId: string | undefined;
  width: number;
  height: number;
}

/** The entries the sidebar shows for a height: the first one's index and the slice (mouse clicks map rows with it). */
export function sidebarWindow(
  entries: readonly SidebarEntry[],
  selectedId: string | undefined,
  height: number,
): { start: number; visible: SidebarEntry[] } {
  const sel = entries.findIndex((e) => e.type === 'conversation' && e.conversation.id === selectedId);
  const start = Math.max(0, Math.min(sel - Math.floor(height / 2), entries.length - height));
  return { start, visible: entries.slice(start, start + height) };
}

function SidebarView({ entries, selectedId, width, height }: SidebarProps) {
  const { visible } = sidebarWindow(entries, selectedId, height);
  // No overflow="hidden": at most `height` rows of one truncated line each, so a clip would only cost width measuring.
  return (
    <Box flexDirection="column" width={width} height={height}>
      {visible.map((e) => (
        <Box key={e.key} height={1} width={width}>
          {e.type === 'account' ? (
            <SidebarAccountRow account={e.account} width={width} />
          ) : e.type === 'group' ? (
            <SidebarGroupRow title={e.title} collapsed={e.collapsed} unread={e.unread} mentions={e.mentions} width={width} />
          ) : e.type === 'person' ? (
            <SidebarGroupRow title={e.name} collapsed={false} unread={e.unread} mentions={e.mentions} width={width} person />
          ) : (
            <SidebarConversationRow
              conversation={e.conversation}
              width={width}
              selected={e.conversation.id === selectedId}
              indent={e.depth * 2}
              {...(e.label !== undefined && { label: e.label })}
            />
          )}
        </Box>
      ))}
    </Box>
  );
}

/** Memoized: re-renders only when its props changed (a keystroke in the composer leaves it alone). */
export const Sidebar = memo(SidebarView);
