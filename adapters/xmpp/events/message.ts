/**
 * Routes one `<message>` stanza: error bounces, archive results, carbons, group chat, then one-to-one chat with
 * receipts. Each family lives in its own file.
 */
import type { Element } from '@xmpp/xml';
import { bareJid } from '../jid.js';
import { describeStanzaError, isTemporaryError, stanzaIdBy } from '../stanza.js';
import { onArchiveResult } from './archive.js';
import { onChatState } from './chat-states.js';
import { onCarbon } from './carbons.js';
import { directMessage } from './direct.js';
import { onGroupchat } from './group.js';
import { answerReceiptRequest, onReceipt } from './receipts.js';
import { onRichDirect } from './rich.js';
import { onJingleMessage } from './jingle-message.js';
import type { Session } from './types.js';

export function onMessage(s: Session, m: Element): void {
  const type = m.attrs.type ?? 'normal';
  if (type === 'error') return onError(s, m);
  if (onArchiveResult(s, m)) return;
  if (onCarbon(s, m)) return;
  if (type === 'groupchat') return onGroupchat(s, m);
  if (type === 'headline') return;
  // Call invitations and their outcome (XEP-0353) are lines of their own, never chat.
  if (onJingleMessage(s, m)) return;
  onReceipt(s, m);
  // OMEMO decrypts first, so corrections and replies see the plaintext (the result is kept for directMessage).
  s.omemo?.decryptIncoming(m, (m.attrs.from ?? s.own).split('/')[0]!);
  // Corrections, reactions, retractions and markers change earlier messages (events/rich.ts).
  if (onRichDirect(s, m)) {
    answerReceiptRequest(s, m);
    const id = stanzaIdBy(m, s.own);
    if (id) s.sawArchiveId(id);
    return;
  }
  const msg = directMessage(s, m);
  if (!msg) {
    // A message without body may still carry a chat state from the peer (XEP-0085 standalone notification).
    const peer = bareJid(m.attrs.from);
    if (peer && peer !== s.own && !s.rooms.get(peer)) onChatState(s, m, peer, peer);
    return;
  }
  answerReceiptRequest(s, m);
  const archived = stanzaIdBy(m, s.own);
  if (archived) s.sawArchiveId(archived);
  s.emit({ type: 'message', message: msg });
}

/** A bounce of one of our messages: rejects its send while open, else marks it failed. */
function onError(s: Session, m: Element): void {
  const id = m.attrs.id;
  const reason = describeStanzaError(m);
  if (s.outgoing.failed(id, reason, isTemporaryError(m))) return;
  const peer = bareJid(m.attrs.from);
  if (id && peer) {
    s.emit({ type: 'message.update', conversationRemoteId: peer, targetRemoteId: id, change: { kind: 'delivery', state: 'failed', reason } });
  }
}
