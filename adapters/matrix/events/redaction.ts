/**
 * `m.room.redaction` (spec §"Redactions"). A redacted reaction is a reaction taken back; any other redaction
 * retracts the message. The homeserver only accepts redactions from the event's sender or from a user whose power
 * level reaches the room's `redact` level (spec §"Authorization rules"), so a redaction by someone else is a
 * moderation, reported with `moderated` after checking that power level ourselves.
 */
import { str, type EventView, type Session } from './types.js';

export function onRedaction(s: Session, ev: EventView): void {
  // Room versions up to 10 carry `redacts` at the top level, v11 in the content.
  const target = ev.redacts ?? str(ev.content.redacts);
  if (!target) return;
  const known = s.recent.get(target);
  if (known?.reaction) {
    s.emit({
      type: 'message.update',
      conversationRemoteId: ev.roomId,
      targetRemoteId: known.reaction.target,
      change: { kind: 'reaction', senderId: known.sender, key: known.reaction.key, add: false },
    });
    return;
  }
  const bySender = known ? known.sender === ev.sender : false;
  const moderated = !bySender && s.powerLevel(ev.roomId, ev.sender) >= s.redactLevel(ev.roomId);
  const reason = str(ev.content.reason);
  s.emit({
    type: 'message.update',
    conversationRemoteId: ev.roomId,
    targetRemoteId: target,
    change: { kind: 'retract', by: ev.sender, ...(moderated ? { moderated: true } : {}), ...(moderated && reason ? { reason } : {}) },
  });
}
