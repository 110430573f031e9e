/**
 * A reaction (RFC 9078, as Delta Chat sends it): `Content-Disposition: reaction`, In-Reply-To the target, the body
 * the emoji (an empty body withdraws the sender's reaction). It replaces the sender's earlier reaction on the target.
 */
import type { EmailState } from '../state.js';
import type { Inbound } from './types.js';

export function onReaction(s: EmailState, m: Inbound): boolean {
  const target = m.mail.inReplyTo;
  const conversation = s.conversationOf(target);
  if (!target || !conversation) return false;
  const key = m.mail.text.trim();
  s.emit({
    type: 'message.update',
    conversationRemoteId: conversation,
    targetRemoteId: target,
    change: { kind: 'reaction', senderId: m.from.address, key, add: key.length > 0 },
  });
  return true;
}
