/**
 * The per-conversation OMEMO choice (issue #4 policy), kept in the account's kv as `omemo:conv:<bare JID>`:
 * - no entry (`default`): encrypted when the contact (or a room member) publishes OMEMO devices, else as is;
 * - `on` (`/omemo on`): always encrypted; a message that cannot be encrypted for anyone is refused, never sent plain;
 * - `off` (`/omemo off`, confirmed where the contact uses OMEMO): sent without end-to-end encryption.
 */
import type { KeyValue } from '../../../src/core/contract.js';

export type ConversationOmemo = 'default' | 'on' | 'off';

const key = (conversation: string) => `omemo:conv:${conversation.split('/')[0]!.toLowerCase()}`;

export function conversationOmemo(kv: KeyValue, conversation: string): ConversationOmemo {
  const v = kv.get(key(conversation));
  return v === 'on' || v === 'off' ? v : 'default';
}

export function setConversationOmemo(kv: KeyValue, conversation: string, value: ConversationOmemo): void {
  if (value === 'default') kv.delete(key(conversation));
  else kv.set(key(conversation), value);
}
