/**
 * `m.room.message` and `m.sticker` (client-server spec §"Instant Messaging"): new messages, and edits
 * (`m.replace` relations, spec §"Event replacements") as message updates naming the editor.
 */
import type { IncomingMessage } from '../../../src/core/contract.js';
import { renderContent } from './render.js';
import { relatesTo, type EventView, type Session } from './types.js';

export function onRoomMessage(s: Session, ev: EventView): void {
  const rel = relatesTo(ev.content);
  if (rel?.rel_type === 'm.replace' && rel.event_id) {
    onEdit(s, ev, rel.event_id);
    return;
  }
  s.recent.remember(ev.eventId, { roomId: ev.roomId, sender: ev.sender, type: ev.type });
  const r = renderContent(ev.content, s.own, ev.type);
  // What decrypts an encrypted attachment is kept by the adapter for download (the engine's late-decryption change
  // carries no ext).
  if (r.file) s.rememberFile?.(r.file);
  if (ev.late) {
    // A message whose decryption failed earlier (shown as a placeholder with this event id) is readable now: not an
    // edit, the placeholder takes the text, attachments and encryption it should have had.
    s.emit({
      type: 'message.update',
      conversationRemoteId: ev.roomId,
      targetRemoteId: ev.eventId,
      change: {
        kind: 'decrypted',
        body: r.body,
        ...(r.spans ? { spans: r.spans } : {}),
        encryption: ev.encryption,
        ...(r.attachments ? { attachments: r.attachments } : {}),
      },
    });
    return;
  }
  const message: IncomingMessage = {
    conversation: s.conversation(ev.roomId),
    remoteId: ev.eventId,
    senderId: ev.sender,
    senderName: s.displayName(ev.roomId, ev.sender) ?? ev.sender,
    direction: ev.sender === s.own ? 'out' : 'in',
    kind: r.kind,
    body: r.body,
    sentAt: ev.ts,
    encryption: ev.encryption,
    mentionsMe: ev.sender !== s.own && r.mentionsMe,
  };
  if (r.spans) message.spans = r.spans;
  if (r.replyTo) message.replyTo = r.replyTo;
  if (r.threadId) message.threadId = r.threadId;
  if (r.attachments) message.attachments = r.attachments;
  if (r.file) message.ext = { matrix: { file: r.file } };
  if (ev.historical) message.historical = true;
  s.emit({ type: 'message', message });
}

/** Spec §"Event replacements": the new text is in `m.new_content`; only the original sender's edits count. */
function onEdit(s: Session, ev: EventView, target: string): void {
  const nc = ev.content['m.new_content'];
  if (!nc || typeof nc !== 'object') return;
  const r = renderContent(nc as Record<string, unknown>, s.own, ev.type);
  s.emit({
    type: 'message.update',
    conversationRemoteId: ev.roomId,
    targetRemoteId: target,
    change: { kind: 'edit', body: r.body, ...(r.spans ? { spans: r.spans } : {}), editedAt: ev.ts, by: ev.sender },
  });
}
