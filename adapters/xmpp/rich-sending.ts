/**
 * The outgoing side of the rich-messaging extensions: replies and chat-marker requests on sent messages, and the
 * Adapter methods edit (XEP-0308), react (XEP-0444), retract (XEP-0424, or XEP-0425 moderation of someone else's
 * room message) and markRead (XEP-0333 `displayed`).
 *
 * Each names the message the way the extension wants (rich-state.ts keeps the ids natter's remote id does not give):
 * corrections the message's own id; replies, reactions, retractions and markers the message id in one-to-one chat
 * and the room's stanza-id in group chat.
 */
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { SendRejected, type OutgoingMessage, type SendResult } from '../../src/core/contract.js';
import { IqError } from './iq.js';
import { bareOf, normalizeJid, parseJid } from './jid.js';
import { NS } from './ns.js';
import { RICH_NS } from './rich-ns.js';
import type { Room } from './rooms.js';
import type { Connection, XmppState } from './state.js';
import { xmlSafe } from './xml-text.js';
import { encryptCorrection } from './omemo-glue.js';

/** XEP-0424 §4: the body shown by clients that do not know retractions. */
export const RETRACTION_FALLBACK = "This person attempted to retract a previous message, but it's unsupported by your client.";

interface Where {
  conn: Connection;
  /** Folded conversation key (as the incoming side records it). */
  conv: string;
  room?: Room;
  /** Where the stanza goes: the room, or the peer. */
  to: string;
}

function where(s: XmppState, conversationRemoteId: string): Where {
  const conn = s.conn;
  if (!conn || conn.closed || !conn.online) throw new SendRejected('not connected', { retryable: true });
  const target = parseJid(conversationRemoteId);
  if (!target) throw new SendRejected(`not an XMPP address: ${conversationRemoteId}`);
  const room = target.resource ? undefined : s.rooms.get(bareOf(target));
  if (room && !room.joined) throw new SendRejected(`not in ${room.jid} yet`, { retryable: true });
  return { conn, conv: room ? room.jid : normalizeJid(conversationRemoteId), ...(room ? { room } : {}), to: room ? room.jid : conversationRemoteId };
}

async function write(w: Where, stanza: Element): Promise<void> {
  try {
    await w.conn.client.entity.send(stanza);
  } catch (e) {
    throw new SendRejected('the connection failed while sending', { cause: e, retryable: true });
  }
}

function message(w: Where, ...children: Element[]): Element {
  const id = randomUUID();
  return xml('message', { type: w.room ? 'groupchat' : 'chat', to: w.to, id }, ...children, xml('origin-id', { xmlns: NS.sid, id }));
}

/** How a reply names its author in the fallback quote: the nick in a room, the bare JID otherwise. */
function authorName(from: string | undefined, room: Room | undefined): string | undefined {
  if (!from) return undefined;
  const j = parseJid(from);
  if (!j) return undefined;
  return room && bareOf(j) === room.jid ? j.resource || undefined : bareOf(j);
}

/**
 * Adds to an outgoing message (already built by sending.ts) what the rich extensions want: the reply (XEP-0461)
 * with a quote of the answered message as fallback (XEP-0428) so clients without replies still show context, and
 * `<markable/>` (XEP-0333) so the peer's client reports when it was read. Records the send for later markers.
 */
export function decorateOutgoing(s: XmppState, message: OutgoingMessage, stanza: Element, roomJid?: string): void {
  const room = roomJid ? s.rooms.get(roomJid) : undefined;
  const conv = room ? room.jid : normalizeJid(message.conversation.remoteId);
  if (message.replyTo) {
    const known = s.rich.lookup(s.ctx?.kv, conv, message.replyTo);
    // In a room the reply names the room's stanza-id (natter's remote id); one-to-one the message's own id.
    const id = room ? message.replyTo : (known?.msgId ?? message.replyTo);
    const to = known?.from === s.opts?.bare && room ? `${room.jid}/${room.nick}` : known?.from;
    const bodyEl = stanza.getChild('body');
    const name = authorName(known?.from, room);
    if (bodyEl && known?.quote !== undefined) {
      const quote = xmlSafe(`${name ? `> ${name} wrote:\n` : ''}${known.quote.split('\n').map((l) => `> ${l}`).join('\n')}\n`);
      bodyEl.children = [quote + bodyEl.text()];
      stanza.append(xml('fallback', { xmlns: RICH_NS.fallback, for: RICH_NS.reply }, xml('body', { start: '0', end: String([...quote].length) })));
    }
    stanza.append(xml('reply', { xmlns: RICH_NS.reply, id, ...(to ? { to } : {}) }));
  }
  stanza.append(xml('markable', { xmlns: RICH_NS.markers }));
  if (!room) s.rich.sent(conv, message.localId);
}

/**
 * Once a send settles: remembers the message under its remote id (in a room the stanza-id, whose correction must
 * name our own id) with its text, for later edits and replies.
 */
export function rememberSent(s: XmppState, message: OutgoingMessage, roomJid: string | undefined, result: Promise<SendResult>): void {
  const conv = roomJid ?? normalizeJid(message.conversation.remoteId);
  result.then(
    (r) => {
      const remoteId = r.remoteId ?? message.localId;
      s.rich.remember(s.ctx?.kv, conv, remoteId, { msgId: message.localId, from: s.opts?.bare, quote: message.body }, roomJid !== undefined);
      s.rich.seen(conv, { remoteId, markerId: roomJid ? remoteId : message.localId, markable: false });
    },
    () => undefined,
  );
}

/** Adapter.edit: a correction (XEP-0308) of our message `remoteId`, naming its own id. */
export async function sendEdit(s: XmppState, remoteId: string, conversationRemoteId: string, body: string): Promise<void> {
  const w = where(s, conversationRemoteId);
  const known = s.rich.lookup(s.ctx?.kv, w.conv, remoteId);
  const msgId = known?.msgId ?? remoteId;
  const stanza = message(w, xml('body', {}, xmlSafe(body)), xml('replace', { xmlns: RICH_NS.correct, id: msgId }));
  // The new text is as private as the message it corrects (OMEMO, omemo-glue.ts).
  await encryptCorrection(s, w.conn, stanza, w.to);
  await write(w, stanza);
  s.rich.remember(s.ctx?.kv, w.conv, remoteId, { ...known, msgId, quote: body }, false);
}

/** Adapter.react: sends our complete new reaction set for the message (XEP-0444 §3), with a store hint. */
export async function sendReaction(s: XmppState, remoteId: string, conversationRemoteId: string, key: string, add: boolean): Promise<void> {
  const w = where(s, conversationRemoteId);
  const own = s.opts!.bare;
  const id = w.room ? remoteId : (s.rich.lookup(s.ctx?.kv, w.conv, remoteId)?.msgId ?? remoteId);
  const before = s.rich.reactionSet(s.ctx?.kv, w.conv, id, own).keys;
  const keys = add ? (before.includes(key) ? before : [...before, key]) : before.filter((k) => k !== key);
  await write(
    w,
    message(w, xml('reactions', { xmlns: RICH_NS.reactions, id }, ...keys.map((k) => xml('reaction', {}, xmlSafe(k)))), xml('store', { xmlns: NS.hints })),
  );
  s.rich.setReactionSet(s.ctx?.kv, w.conv, id, own, s.ctx?.now() ?? Date.now(), keys);
}

/**
 * Adapter.retract: our own message is retracted (XEP-0424 §3, with the fallback body and a store hint). In a room,
 * a message known to be someone else's is moderated instead (XEP-0425 §3): the room checks that we are a moderator
 * and announces the retraction; its refusal rejects with the reason in plain words.
 */
export async function sendRetraction(s: XmppState, remoteId: string, conversationRemoteId: string, reason?: string): Promise<void> {
  const w = where(s, conversationRemoteId);
  const known = s.rich.lookup(s.ctx?.kv, w.conv, remoteId);
  if (w.room && known?.from !== undefined && known.from !== s.opts?.bare) {
    await moderate(s, w, remoteId, reason);
    return;
  }
  const id = w.room ? remoteId : (known?.msgId ?? remoteId);
  await write(
    w,
    message(
      w,
      xml('retract', { xmlns: RICH_NS.retract, id }),
      xml('fallback', { xmlns: RICH_NS.fallback, for: RICH_NS.retract }),
      xml('body', {}, RETRACTION_FALLBACK),
      xml('store', { xmlns: NS.hints }),
    ),
  );
}

async function moderate(s: XmppState, w: Where, stanzaId: string, reason?: string): Promise<void> {
  const req = xml(
    'moderate',
    { xmlns: RICH_NS.moderate, id: stanzaId },
    xml('retract', { xmlns: RICH_NS.retract }),
    reason ? xml('reason', {}, xmlSafe(reason)) : undefined,
  );
  try {
    await s.iq(w.conn, 'set', req, w.room!.jid);
  } catch (e) {
    const words = e instanceof IqError ? (e.condition === 'forbidden' ? 'only a moderator can remove messages of others' : e.message) : String((e as Error)?.message ?? e);
    throw new SendRejected(`the room refused the removal: ${words}`, { cause: e });
  }
}

/**
 * Adapter.markRead: a `displayed` marker (XEP-0333 §3) for the newest message up to `upToRemoteId` that asked for
 * markers, never for our own messages and never twice for the same one. Best effort: nothing happens offline.
 */
export async function sendDisplayed(s: XmppState, conversationRemoteId: string, upToRemoteId: string): Promise<void> {
  let w: Where;
  try {
    w = where(s, conversationRemoteId);
  } catch {
    return;
  }
  const r = s.rich.markableUpTo(w.conv, upToRemoteId);
  if (!r || s.rich.displayedSent.get(w.conv) === r.markerId) return;
  s.rich.displayedSent.set(w.conv, r.markerId);
  const stanza = xml(
    'message',
    { type: w.room ? 'groupchat' : 'chat', to: w.to, id: randomUUID() },
    xml('displayed', { xmlns: RICH_NS.markers, id: r.markerId }),
    xml('store', { xmlns: NS.hints }),
  );
  await write(w, stanza).catch((e: unknown) => s.log.debug('marker not sent', e));
}
