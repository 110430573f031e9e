/**
 * Edits and deletions from Delta Chat (`Chat-Edit: <Message-ID>` with the new text, `Chat-Delete: <Message-ID>…`):
 * `message.update` events naming who made them; the engine applies them only when that is the original sender.
 */
import { bareMessageId, messageIds } from '../address.js';
import { EDITED_PREFIX } from '../editing.js';
import type { EmailState } from '../state.js';
import type { Inbound } from './types.js';

/** Handles the message when it is an edit or a deletion request; false when it is neither. */
export function onEditOrDelete(s: EmailState, m: Inbound): boolean {
  const edit = bareMessageId(m.mail.header('chat-edit'));
  const deletes = messageIds(m.mail.header('chat-delete'));
  if (!edit && deletes.length === 0) return false;
  if (edit) {
    const conversation = s.conversationOf(edit);
    if (!conversation) return true;
    let body = m.mail.text;
    if (body.startsWith(EDITED_PREFIX)) body = body.slice(EDITED_PREFIX.length);
    else if (body.startsWith('✏')) body = body.slice(1);
    s.emit({
      type: 'message.update',
      conversationRemoteId: conversation,
      targetRemoteId: edit,
      change: { kind: 'edit', body, editedAt: m.sentAt ?? s.ctx!.now(), by: m.from.address },
    });
    return true;
  }
  for (const id of deletes) {
    const conversation = s.conversationOf(id);
    if (conversation) s.emit({ type: 'message.update', conversationRemoteId: conversation, targetRemoteId: id, change: { kind: 'retract', by: m.from.address } });
  }
  return true;
}
