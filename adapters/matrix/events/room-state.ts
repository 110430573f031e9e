/**
 * Room state that changes the conversation (spec §"Room events"): name, topic, encryption, space children. The
 * conversation is reported again as it stands, and a line says what changed.
 */
import { str, type EventView, type Session } from './types.js';

export function onRoomState(s: Session, ev: EventView): void {
  s.emit({ type: 'conversation', conversation: s.conversation(ev.roomId) });
  let text: string | undefined;
  const by = s.displayName(ev.roomId, ev.sender) ?? ev.sender;
  switch (ev.type) {
    case 'm.room.name': {
      const name = str(ev.content.name);
      text = name ? `${by} renamed the room to ${name}` : `${by} removed the room name`;
      break;
    }
    case 'm.room.topic': {
      const topic = str(ev.content.topic);
      text = topic ? `${by} changed the topic to: ${topic}` : `${by} removed the topic`;
      break;
    }
    case 'm.room.encryption':
      text = `${by} turned on end-to-end encryption (${str(ev.content.algorithm) ?? 'unknown algorithm'})`;
      break;
  }
  if (!text) return;
  s.emit({
    type: 'message',
    message: {
      conversation: s.conversation(ev.roomId),
      remoteId: ev.eventId,
      senderId: ev.sender,
      senderName: by,
      direction: ev.sender === s.own ? 'out' : 'in',
      kind: 'event',
      body: text,
      sentAt: ev.ts,
      encryption: ev.encryption,
      ...(ev.historical ? { historical: true } : {}),
    },
  });
}
