/**
 * `m.receipt` ephemeral events (spec §"Receipts"). A public read receipt (`m.read`) by someone else on an event
 * means they read everything up to it: each of our own messages up to that event becomes `read`. Private receipts
 * (`m.read.private`) are never shared with others, so they only ever come from ourselves and are ignored.
 */
import type { Session } from './types.js';

type ReceiptContent = Record<string, Record<string, Record<string, { ts?: number }> | undefined> | undefined>;

export function onReceipt(s: Session, roomId: string, content: Record<string, unknown>): void {
  for (const [eventId, byType] of Object.entries(content as ReceiptContent)) {
    const readers = Object.keys(byType?.['m.read'] ?? {}).filter((u) => u !== s.own);
    if (readers.length === 0) continue;
    for (const own of s.ownEventsUpTo(roomId, eventId)) {
      const r = s.recent.get(own);
      if (r?.read) break; // everything older was reported already
      if (r) r.read = true;
      s.emit({ type: 'message.update', conversationRemoteId: roomId, targetRemoteId: own, change: { kind: 'delivery', state: 'read' } });
    }
  }
}
