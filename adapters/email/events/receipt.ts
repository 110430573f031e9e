/**
 * A read receipt: a message disposition notification (RFC 8098, `multipart/report;
 * report-type=disposition-notification`) naming the Message-ID that was displayed.
 */
import type { EmailState } from '../state.js';
import type { Inbound } from './types.js';

export function onReceipt(s: EmailState, m: Inbound): boolean {
  const target = m.mail.mdnFor;
  const conversation = s.conversationOf(target);
  if (!target || !conversation || m.direction === 'out') return false;
  s.emit({ type: 'message.update', conversationRemoteId: conversation, targetRemoteId: target, change: { kind: 'delivery', state: 'read' } });
  return true;
}
