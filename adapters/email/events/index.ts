/**
 * Routes one parsed incoming mail to its handler (one file per kind): read receipts, reactions, group messages,
 * 1:1 messages. Mail that is not chat (no Chat-Version, not a reply to a chat message, not from a known contact when
 * that option is on) is left alone.
 */
import { KV_CONTACT, type EmailState } from '../state.js';
import type { InboundMail } from '../mime-in.js';
import { directConversation, onChatMessage } from './chat-message.js';
import { groupConversation } from './group.js';
import { onEditOrDelete } from './edit.js';
import { onReaction } from './reaction.js';
import { onReceipt } from './receipt.js';
import { onSecureJoin } from './securejoin.js';
import type { Inbound } from './types.js';

export type { Inbound } from './types.js';

/** Whether the mail is chat: Chat-Version, a reply to a known chat message, or (option) from a known contact. */
export function isChat(s: EmailState, mail: InboundMail): boolean {
  if (mail.header('chat-version') !== undefined) return true;
  if ([mail.inReplyTo, ...mail.references].some((id) => s.conversationOf(id) !== undefined)) return true;
  // Encrypted mail we cannot read hides its Chat-Version: from someone we chat with it is shown as a failed message.
  if (mail.encryption.error && mail.from && s.kv.get(KV_CONTACT + mail.from.address) !== undefined) return true;
  return s.opts!.classicFromContacts && mail.from !== undefined && s.kv.get(KV_CONTACT + mail.from.address) !== undefined;
}

export async function dispatchMail(s: EmailState, mail: InboundMail, receivedAt?: number): Promise<void> {
  const from = mail.from;
  if (from && mail.header('secure-join') !== undefined) {
    if (!(await onSecureJoin(s, { mail, from, direction: from.address === s.opts!.address ? 'out' : 'in' }))) return;
  }
  // Password-encrypted mail is only ever a SecureJoin step; anything else under a shared secret is not shown.
  if (mail.symmetricSecret !== undefined) return;
  if (!from || !isChat(s, mail)) {
    s.log.debug('not chat mail, left alone', { id: mail.messageId });
    return;
  }
  const direction = from.address === s.opts!.address ? 'out' : 'in';
  const sentAt = mail.date !== undefined && receivedAt !== undefined ? Math.min(mail.date, receivedAt) : (mail.date ?? receivedAt);
  const m: Inbound = { mail, from, direction, ...(sentAt !== undefined ? { sentAt } : {}) };
  if (mail.mdnFor !== undefined) {
    onReceipt(s, m);
    return;
  }
  if (mail.disposition === 'reaction') {
    if (!onReaction(s, m)) s.log.debug('reaction to an unknown message', { id: mail.messageId });
    return;
  }
  if (onEditOrDelete(s, m)) return;
  const conversation = mail.header('chat-group-id') !== undefined ? groupConversation(s, m) : directConversation(s, m);
  if (!conversation) {
    s.log.info('chat mail without a usable conversation', { id: mail.messageId });
    return;
  }
  onChatMessage(s, m, conversation);
}
