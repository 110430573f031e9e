/** `m.reaction` (spec §"Reactions"): an `m.annotation` relation with a key (usually an emoji) on another event. */
import { relatesTo, type EventView, type Session } from './types.js';

export function onReaction(s: Session, ev: EventView): void {
  const rel = relatesTo(ev.content);
  if (rel?.rel_type !== 'm.annotation' || !rel.event_id || typeof rel.key !== 'string' || rel.key === '') return;
  // Remembered so that the redaction that takes the reaction back can be told apart from a message retraction.
  s.recent.remember(ev.eventId, { roomId: ev.roomId, sender: ev.sender, type: ev.type, reaction: { target: rel.event_id, key: rel.key } });
  s.emit({
    type: 'message.update',
    conversationRemoteId: ev.roomId,
    targetRemoteId: rel.event_id,
    change: { kind: 'reaction', senderId: ev.sender, key: rel.key, add: true },
  });
}
