/**
 * Outgoing traffic of a conversation: messages (Adapter.send) and chat states (Adapter.setTyping). Delivery
 * outcomes are tracked by outgoing.ts (stream management acks, receipts, room echoes).
 */
import xml from '@xmpp/xml';
import { SendRejected, type OutgoingMessage, type SendResult } from '../../src/core/contract.js';
import { supports } from './disco.js';
import { bareOf, normalizeJid, parseJid } from './jid.js';
import { NS } from './ns.js';
import type { EncryptionInfo } from '../../src/core/model.js';
import { conversationOmemo } from './omemo/conversation-policy.js';
import { encryptOrRefuse, omemoPeersPublish, uploadEncrypted } from './omemo-glue.js';
import { decorateOutgoing, rememberSent } from './rich-sending.js';
import type { Connection, XmppState } from './state.js';
import { bodyWithUpload, dropClearLinkWhenEncrypted, oobElement, reportUploaded, uploadAttachment } from './upload.js';
import { xmlSafe } from './xml-text.js';

function online(s: XmppState): Connection {
  const conn = s.conn;
  if (!conn || conn.closed || !conn.online) throw new SendRejected('not connected', { retryable: true });
  return conn;
}

/**
 * Sends one message: a group chat message to a joined room, else a one-to-one chat message asking for a receipt.
 * Throws SendRejected (retryable) while offline or before the room is joined; the result settles when the server
 * (or the room's echo) confirms it, or fails when the connection is lost first.
 */
export async function sendMessage(s: XmppState, message: OutgoingMessage): Promise<SendResult> {
  const conn = online(s);
  const target = parseJid(message.conversation.remoteId);
  if (!target) throw new SendRejected(`not an XMPP address: ${message.conversation.remoteId}`);
  const id = message.localId;
  const room = message.conversation.kind === 'group' || message.conversation.kind === 'channel' ? s.rooms.get(bareOf(target)) : undefined;
  if (room && !room.joined) throw new SendRejected(`not in ${room.jid} yet`, { retryable: true });
  // The conversation's OMEMO choice (omemo/conversation-policy.ts): `off` sends in the clear, `on` never does.
  const policy = s.omemo ? conversationOmemo(s.ctx!.kv, room?.jid ?? bareOf(target)) : 'off';
  const members = room ? [...room.occupants.values()].flatMap((p) => (p.account ? [p.account] : [])) : undefined;
  // An attachment is uploaded first (XEP-0363, upload.ts); the message then carries its URL in the body and as OOB.
  // With OMEMO the file is encrypted before it leaves (XEP-0454) and only the encrypted body carries its aesgcm link.
  const encryptFile = !!message.attachment && policy !== 'off' && (policy === 'on' || (await omemoPeersPublish(s, conn, room?.jid ?? bareOf(target), members)));
  const upload = message.attachment ? await (encryptFile ? uploadEncrypted(s, id, message.attachment) : uploadAttachment(s, id, message.attachment)) : undefined;
  if (upload && (conn.closed || !conn.online)) throw new SendRejected('the connection was lost during the upload', { retryable: true });
  const body = xmlSafe(bodyWithUpload(message.kind === 'action' ? `/me ${message.body}` : message.body, upload));
  const stanza = room
    ? xml('message', { type: 'groupchat', to: room.jid, id }, xml('body', {}, body), encryptFile ? undefined : oobElement(upload), xml('origin-id', { xmlns: NS.sid, id }))
    : xml(
        'message',
        { type: 'chat', to: message.conversation.remoteId, id },
        xml('body', {}, body),
        encryptFile ? undefined : oobElement(upload),
        xml('origin-id', { xmlns: NS.sid, id }),
        // XEP-0085 §5.1: a message is sent in the active state.
        xml('active', { xmlns: NS.chatStates }),
        // XEP-0184 §5.1: ask for a receipt on every one-to-one message with a body, unless the peer's caps say it
        // does not do receipts (§5.1: the request is then pointless; unknown peers are asked).
        supports(s, message.conversation.remoteId, NS.receipts) === false ? undefined : xml('request', { xmlns: NS.receipts }),
      );
  // Reply with fallback quote (XEP-0461/0428) and chat markers request (XEP-0333): rich-sending.ts.
  decorateOutgoing(s, message, stanza, room?.jid);
  // OMEMO (omemo/pipeline.ts) for contacts that publish devices; never in the clear when that fails. In a room: for
  // the members whose real JIDs the room shows (non-anonymous rooms, XEP-0384 §6).
  let encryption: EncryptionInfo | undefined;
  if (s.omemo && policy !== 'off') encryption = await encryptOrRefuse(s, conn, stanza, room ? room.jid : message.conversation.remoteId, members);
  if (!encryption && policy === 'on') {
    throw new SendRejected(`not sent: OMEMO is on in this conversation (/omemo on) but ${room ? `no member of ${room.jid} publishes OMEMO devices` : `${bareOf(target)} publishes no OMEMO devices`}; /omemo off sends it unencrypted`);
  }
  // An encrypted file's link holds its key: it never goes out in a clear body.
  if (!encryption && encryptFile) throw new SendRejected('not sent: the file was encrypted but the message could not be (the OMEMO devices went away); try again');
  if (upload) dropClearLinkWhenEncrypted(stanza);
  s.typingSent.delete(normalizeJid(message.conversation.remoteId));
  const tracked = s.outgoing.track(id, room?.jid);
  // The engine stores how the message was protected on the own row (SendResult.encryption).
  const result = encryption ? tracked.then((r) => ({ ...r, encryption })) : tracked;
  rememberSent(s, message, room?.jid, result);
  try {
    await conn.client.entity.send(stanza);
  } catch (e) {
    s.outgoing.lost(id, 'the connection failed while sending');
    s.log.debug('send write failed', e);
    return result;
  }
  // Without stream management the write is the only confirmation there is (RFC 6120 gives none).
  if (!room && !conn.client.sm.enabled) s.outgoing.accepted(id);
  // The engine learns where the file now lives from an echo of the own message (upload.ts).
  return upload ? result.then((r) => reportUploaded(s, message, upload, r)) : result;
}

/**
 * Chat states (XEP-0085): `composing` while the user types, `paused` when they stop, each sent once per change,
 * with a no-store hint (XEP-0334) so archives stay free of them. Rooms get them as group chat messages.
 */
export function sendTyping(s: XmppState, conversationRemoteId: string, active: boolean): void {
  const conn = s.conn;
  if (!conn?.online || conn.closed) return;
  const target = parseJid(conversationRemoteId);
  if (!target) return;
  const key = normalizeJid(conversationRemoteId);
  if ((s.typingSent.get(key) ?? false) === active) return;
  s.typingSent.set(key, active);
  const room = target.resource ? undefined : s.rooms.get(bareOf(target));
  if (room && !room.joined) return;
  s.write(
    xml(
      'message',
      { type: room ? 'groupchat' : 'chat', to: room ? room.jid : conversationRemoteId },
      xml(active ? 'composing' : 'paused', { xmlns: NS.chatStates }),
      xml('no-store', { xmlns: NS.hints }),
    ),
    conn,
  );
}
