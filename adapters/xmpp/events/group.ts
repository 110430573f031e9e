/**
 * Group chat messages (`type="groupchat"`, XEP-0045 §7.4) into contract messages, shared by live delivery, the
 * room's history on join and the room archive (XEP-0313).
 *
 * - remoteId: the archive id when known, else the room's `<stanza-id by=room>`, else the message id.
 * - Our own messages (our nick) are `out` with localId = origin-id; the live reflection of a message this session
 *   sent only confirms the send (no second copy).
 * - A subject change without a body is the topic (XEP-0045 §8.1).
 */
import type { IncomingMessage } from '../../../src/core/contract.js';
import type { Element } from '@xmpp/xml';
import { bareOf, parseJid } from '../jid.js';
import type { Room } from '../rooms.js';
import { bodyOf, delayOf, originIdOf, stanzaIdBy } from '../stanza.js';
import { onChatState } from './chat-states.js';
import { bodyWithoutFallback, enrichMessage } from './replies.js';
import { onRichGroup } from './rich.js';
import { attachmentsOf } from './attachments.js';
import type { Session } from './types.js';

export function groupMessage(
  s: Session,
  room: Room,
  m: Element,
  o: { archiveId?: string; sentAt?: number; historical?: boolean } = {},
): IncomingMessage | undefined {
  // OMEMO (omemo/pipeline.ts): the body becomes the plaintext, or a placeholder saying why it could not be.
  const encryption = s.omemo?.decryptIncoming(m, omemoSender(s, room, m));
  // A reply's quote of the message it answers (XEP-0461 fallback) is not part of what the sender wrote.
  const raw = bodyWithoutFallback(m);
  if (raw === undefined) return undefined;
  const from = parseJid(m.attrs.from);
  if (!from || bareOf(from) !== room.jid) return undefined;
  const nick = from.resource;
  const out = nick !== '' && nick === room.nick;
  const action = raw.startsWith('/me ');
  const remoteId = o.archiveId ?? stanzaIdBy(m, room.jid) ?? m.attrs.id ?? undefined;
  const sentAt = o.sentAt ?? delayOf(m);
  const localId = out ? (originIdOf(m) ?? m.attrs.id) : undefined;
  const msg: IncomingMessage = {
    conversation: { remoteId: room.jid, kind: 'group' },
    ...(remoteId ? { remoteId } : {}),
    ...(localId ? { localId } : {}),
    // Our own messages carry the own bare JID, as the ones natter sends are stored (edits and retractions of them
    // are checked against it, whichever device sent them).
    senderId: out ? s.own : nick ? `${room.jid}/${nick}` : room.jid,
    senderName: nick || room.jid,
    direction: out ? 'out' : 'in',
    // Messages from the room itself (no nick) are service notices.
    kind: !nick ? 'notice' : action ? 'action' : 'text',
    // File links (XEP-0066 OOB, XEP-0447/0385 metadata, bare upload URLs) become attachments (attachments.ts).
    ...attachmentsOf(m, action ? raw.slice(4) : raw),
    ...(sentAt !== undefined ? { sentAt } : {}),
    ...(o.historical ? { historical: true } : {}),
    ...(encryption ? { encryption } : {}),
    ...(out || !nick ? {} : { mentionsMe: mentions(raw, room.nick) }),
  };
  return enrichMessage(s, m, msg, { conversation: room.jid, group: true });
}

/** Who sent a room message for OMEMO: the occupant's real bare JID (known in non-anonymous rooms), us for our nick. */
function omemoSender(s: Session, room: Room, m: Element): string {
  const nick = parseJid(m.attrs.from)?.resource ?? '';
  if (nick && nick === room.nick) return s.own;
  return room.occupants.get(`${room.jid}/${nick}`)?.account ?? room.jid;
}

function mentions(body: string, nick: string): boolean {
  if (!nick) return false;
  const i = body.toLowerCase().indexOf(nick.toLowerCase());
  if (i === -1) return false;
  const before = body[i - 1];
  const after = body[i + nick.length];
  return (before === undefined || !/[\p{L}\p{N}_]/u.test(before)) && (after === undefined || !/[\p{L}\p{N}_]/u.test(after));
}

/** Live group chat: reflections of our sends confirm them, subjects become topics, the rest are messages. */
export function onGroupchat(s: Session, m: Element): void {
  const from = parseJid(m.attrs.from);
  const room = s.rooms.get(from ? bareOf(from) : undefined);
  if (!from || !room || room.leaving) return;
  const subject = m.getChild('subject');
  if (subject && bodyOf(m) === undefined) {
    s.emit({ type: 'conversation', conversation: { remoteId: room.jid, kind: 'group', topic: subject.text() } });
    return;
  }
  // OMEMO decrypts first, so corrections and replies see the plaintext (the result is kept for groupMessage).
  if (from.resource !== room.nick) s.omemo?.decryptIncoming(m, omemoSender(s, room, m));
  // Corrections, reactions, retractions, moderation and markers change earlier messages (events/rich.ts).
  if (onRichGroup(s, room, m)) return;
  const delayed = delayOf(m) !== undefined;
  if (!delayed && from.resource && from.resource !== room.nick && bodyOf(m) === undefined) {
    onChatState(s, m, room.jid, from.resource);
    return;
  }
  const archived = bodyOf(m) !== undefined ? stanzaIdBy(m, room.jid) : undefined;
  if (archived) s.sawRoomArchiveId(room.jid, archived);
  if (!delayed && from.resource === room.nick) {
    const id = originIdOf(m) ?? m.attrs.id;
    if (s.outgoing.reflected(id, room.jid, archived, undefined)) return;
  }
  // Messages with a delay on join are the room's discussion history (XEP-0045 §7.2.15).
  const msg = groupMessage(s, room, m, { historical: delayed });
  if (msg) s.emit({ type: 'message', message: msg });
}
