/**
 * A read receipt: a message disposition notification (RFC 8098, `multipart/report;
 * report-type=disposition-notification`) naming the Message-IDs that were displayed (Original-Message-ID, and
 * Delta Chat's Additional-Message-IDs).
 */
import type { EmailState } from '../state.js';
import type { Inbound } from './types.js';

export function onReceipt(s: EmailState, m: Inbound): boolean {
  const target = m.mail.mdnFor;
  const conversation = s.conversationOf(target);
  if (!target || !conversation || m.direction === 'out') return false;
  for (const id of [target, ...m.mail.mdnAlso]) {
    const conv = s.conversationOf(id);
    if (conv) s.emit({ type: 'message.update', conversationRemoteId: conv, targetRemoteId: id, change: { kind: 'delivery', state: 'read' } });
  }
  return true;
}
