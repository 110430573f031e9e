/**
 * The unified inbox (Alt-U, /inbox): "All unread" or "Mentions" across every account, newest first. Each row shows
 * time, network/account, conversation, sender and a one-line snippet (texts were sanitized on ingest); Enter opens the
 * conversation at that message, Tab switches between the two lists, Esc closes.
 */
import { Box, Text } from 'ink';
import type { InboxEntry } from '../core/engine-api.js';
import { OverlayFrame, listStart, overlayBodyRows } from './OverlayFrame.js';
import { dayKey, hhmm } from './time-format.js';
import { textWidth, truncate } from './wrap.js';

export interface InboxOverlayProps {
  mentions: boolean;
  entries: readonly InboxEntry[];
  index: number;
  width: number;
  height: number;
  /** Today's date key (dayKey), so rows from today show only the time; fixed in tests. */
  today?: string;
}

/** The text of one inbox row at `width` columns. */
export function inboxRowText(e: InboxEntry, width: number, today: string = dayKey(Date.now())): string {
  const m = e.message;
  const when = dayKey(m.sentAt) === today ? hhmm(m.sentAt) : `${dayKey(m.sentAt).slice(5)} ${hhmm(m.sentAt)}`;
  const head = `${when} ${truncate(`${e.protocol}/${m.accountId}`, 18)} ${truncate(e.conversationTitle, 18)} <${truncate(m.senderName, 12)}> `;
  const rest = Math.max(0, width - textWidth(head));
  return truncate(head + truncate(e.snippet, rest), width);
}

export function InboxOverlay({ mentions, entries, index, width, height, today }: InboxOverlayProps) {
  const rows = overlayBodyRows(height);
  const start = listStart(index, entries.length, rows);
  const inner = width - 2;
  const tabs = mentions ? 'All unread · [Mentions]' : '[All unread] · Mentions';
  return (
    <OverlayFrame
      title={`Inbox ${tabs} — ${entries.length}${entries.length >= 200 ? '+' : ''}`}
      footer="Enter open · Tab all/mentions · Up/Down select · Esc close"
      width={width}
      height={height}
    >
      {entries.length === 0 ? <Text dimColor>{mentions ? 'no unread mentions' : 'nothing unread'}</Text> : null}
      {entries.slice(start, start + rows).map((e, i) => {
        const selected = start + i === index;
        return (
          <Box key={e.message.id} height={1}>
            <Text inverse={selected} bold={!mentions && e.message.mentionsMe} wrap="truncate-end">
              {inboxRowText(e, inner, today)}
            </Text>
          </Box>
        );
      })}
    </OverlayFrame>
  );
}
