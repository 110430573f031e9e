/**
 * An `m.room.encrypted` event that could not be decrypted (no room key yet, withheld, unknown device). It becomes a
 * visible placeholder message with the reason in EncryptionInfo.error, never ciphertext and never a silent drop
 * (design.md §2). When the key arrives later the timeline re-dispatches the decrypted event with `late` set.
 */
import { str, type EventView, type Session } from './types.js';

export function onUndecryptable(s: Session, ev: EventView): void {
  if (ev.late) return;
  const reason = ev.encryption.error ?? 'the message could not be decrypted';
  s.recent.remember(ev.eventId, { roomId: ev.roomId, sender: ev.sender, type: ev.type });
  const device = str(ev.content.device_id);
  s.emit({
    type: 'message',
    message: {
      conversation: s.conversation(ev.roomId),
      remoteId: ev.eventId,
      senderId: ev.sender,
      senderName: s.displayName(ev.roomId, ev.sender) ?? ev.sender,
      direction: ev.sender === s.own ? 'out' : 'in',
      kind: 'text',
      body: `[unable to decrypt: ${reason}]`,
      sentAt: ev.ts,
      encryption: { ...(device ? { senderDevice: device } : {}), ...ev.encryption, scheme: 'megolm', error: reason },
      ...(ev.historical ? { historical: true } : {}),
    },
  });
}

/**
 * A late-decrypted event that is not a message (an edit, a reaction, a redaction): its placeholder message goes
 * away (retracted by its own sender), then the event is handled as what it is.
 */
export function retractPlaceholder(s: Session, ev: EventView): void {
  s.emit({ type: 'message.update', conversationRemoteId: ev.roomId, targetRemoteId: ev.eventId, change: { kind: 'retract', by: ev.sender } });
}
