/**
 * A chat message (Chat-Version, or a reply to a chat message): one `message` event in its conversation, 1:1 keyed by
 * the peer's address, a group by its Chat-Group-ID. Its Message-ID is the remote id and is remembered, so replies,
 * reactions and receipts that name it find the conversation.
 */
import type { ConversationUpsert } from '../../../src/core/contract.js';
import { normalizeAddress } from '../address.js';
import { addPendingReceipt } from '../receipts.js';
import { KV_CONTACT, type EmailState } from '../state.js';
import type { Inbound } from './types.js';

export function onChatMessage(s: EmailState, m: Inbound, conversation: ConversationUpsert): void {
  const { mail, from, direction } = m;
  if (direction === 'in') s.kv.set(KV_CONTACT + from.address, '1');
  if (mail.messageId) s.rememberMessage(mail.messageId, conversation.remoteId);
  // A read receipt was asked for (Chat-Disposition-Notification-To, only honoured when it names the sender).
  const mdnTo = normalizeAddress(m.mail.header('chat-disposition-notification-to') ?? '');
  if (direction === 'in' && mail.messageId && mdnTo === from.address) addPendingReceipt(s, conversation.remoteId, mail.messageId, mdnTo);
  s.emit({
    type: 'message',
    message: {
      conversation,
      ...(mail.messageId ? { remoteId: mail.messageId } : {}),
      senderId: from.address,
      ...(from.name ? { senderName: from.name } : {}),
      direction,
      // Group changes (member added or removed, renamed) carry a sentence for other mail clients: shown as an event.
      kind: ['chat-group-member-added', 'chat-group-member-removed', 'chat-group-name-changed'].some((h) => mail.header(h) !== undefined) ? 'event' : 'text',
      body: mail.text,
      ...(m.sentAt !== undefined ? { sentAt: m.sentAt } : {}),
      ...(mail.inReplyTo && s.conversationOf(mail.inReplyTo) ? { replyTo: mail.inReplyTo } : {}),
      encryption: mail.encryption,
      ...(mail.attachments.length ? { attachments: mail.attachments } : {}),
      ...(mail.encryption.trust === 'untrusted' ? { ext: { email: { unverifiedSender: true } } } : {}),
    },
  });
}

/** The 1:1 conversation with the peer of a direct message. */
export function directConversation(s: EmailState, m: Inbound): ConversationUpsert | undefined {
  const peer = m.direction === 'in' ? m.from.address : m.mail.recipients.find((r) => r !== s.opts!.address);
  if (!peer) return undefined;
  const name = m.direction === 'in' ? m.from.name : undefined;
  return { remoteId: peer, kind: 'direct', title: name || peer, joined: true };
}
