/**
 * Message Delivery Receipts (XEP-0184): a `<received id>` from the peer marks our message with that id delivered;
 * a `<request>` on a live message is answered (except for our own messages, errors, and group chat, §5.4).
 */
import xml, { type Element } from '@xmpp/xml';
import { bareJid, parseJid } from '../jid.js';
import { NS } from '../ns.js';
import type { Session } from './types.js';

/** Maps a `<received>` in `m` to a delivery update; true when there was one. */
export function onReceipt(s: Session, m: Element): boolean {
  const received = m.getChild('received', NS.receipts);
  const id = received?.attrs.id;
  if (!received || !id) return false;
  const peer = bareJid(m.attrs.from);
  if (!peer || peer === s.own) return true;
  // The peer got it, so the server surely took it: settle a send still waiting for the stream management ack.
  s.outgoing.accepted(id);
  // Our one-to-one message ids are the engine's local ids (origin-id), so the receipt can name the message even
  // before the server's ack has recorded its remote id; the engine checks that it belongs to this conversation.
  s.emit({ type: 'message.update', conversationRemoteId: peer, targetRemoteId: id, targetLocalId: id, change: { kind: 'delivery', state: 'delivered' } });
  return true;
}

/** Answers a receipt request on a live one-to-one message. */
export function answerReceiptRequest(s: Session, m: Element): void {
  if (!m.getChild('request', NS.receipts) || !m.attrs.id) return;
  const from = parseJid(m.attrs.from);
  if (!from || bareJid(m.attrs.from) === s.own) return;
  s.send(xml('message', { to: m.attrs.from, id: `r-${m.attrs.id}`.slice(0, 200) }, xml('received', { xmlns: NS.receipts, id: m.attrs.id })));
}
