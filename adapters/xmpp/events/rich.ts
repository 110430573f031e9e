/**
 * Stanzas that change an earlier message instead of adding one: retractions and moderation (XEP-0424/0425),
 * corrections (XEP-0308), reactions (XEP-0444) and chat markers (XEP-0333). Each route a message can take (live
 * one-to-one, carbons, group chat, archive results) works out who sent it and where ({@link RichOrigin}) and asks
 * {@link richUpdates}; a stanza it recognizes is never shown as a message (its body is a correction or a fallback
 * text), even when it is broken or forged (then it changes nothing).
 */
import type { Element } from '@xmpp/xml';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { bareOf, parseJid } from '../jid.js';
import type { Room } from '../rooms.js';
import { bodyOf, delayOf } from '../stanza.js';
import { correctionOf } from './correction.js';
import { markerOf } from './markers.js';
import { reactionsOf } from './reactions.js';
import { retractionOf } from './retraction.js';
import type { RichOrigin } from './rich-origin.js';
import type { Session } from './types.js';

/**
 * The updates `m` makes, or undefined when it is an ordinary message. Markers only count on a message without a
 * body (a body makes it a message that happens to carry one).
 */
export function richUpdates(s: Session, m: Element, o: RichOrigin): AdapterEvent[] | undefined {
  return (
    retractionOf(m, o) ??
    correctionOf(m, o, s.now()) ??
    reactionsOf(s, m, o) ??
    (bodyOf(m) === undefined ? markerOf(s, m, o) : undefined)
  );
}

/**
 * Sender and conversation of a one-to-one stanza, as direct.ts reads them: the peer's bare JID, or the occupant's
 * full JID for a private message through a room; ours when it comes from the own bare JID.
 */
export function directOrigin(s: Session, m: Element, sentAt?: number): RichOrigin | undefined {
  const from = parseJid(m.attrs.from);
  if (!from) return undefined;
  const out = bareOf(from) === s.own;
  const peer = out ? parseJid(m.attrs.to) : from;
  if (!peer) return undefined;
  const peerBare = bareOf(peer);
  const viaRoom = s.rooms.get(peerBare) !== undefined && peer.resource !== '';
  const conversation = viaRoom ? `${peerBare}/${peer.resource}` : peerBare;
  const at = sentAt ?? delayOf(m);
  return { conversation, by: out ? s.own : conversation, out, ...(at !== undefined ? { sentAt: at } : {}) };
}

/** Sender of a group chat stanza in `room`: the occupant, ourselves for our nick, the room for its bare JID. */
export function groupOrigin(s: Session, room: Room, m: Element, sentAt?: number): RichOrigin | undefined {
  const from = parseJid(m.attrs.from);
  if (!from || bareOf(from) !== room.jid) return undefined;
  const nick = from.resource;
  const out = nick !== '' && nick === room.nick;
  const at = sentAt ?? delayOf(m);
  return {
    conversation: room.jid,
    by: out ? s.own : nick ? `${room.jid}/${nick}` : room.jid,
    out,
    room,
    fromRoom: nick === '',
    ...(at !== undefined ? { sentAt: at } : {}),
  };
}

/** A live one-to-one stanza: true when it was a rich update (handled, nothing more to do). */
export function onRichDirect(s: Session, m: Element): boolean {
  const o = directOrigin(s, m);
  const ups = o ? richUpdates(s, m, o) : undefined;
  if (!ups) return false;
  for (const e of ups) s.emit(e);
  return true;
}

/**
 * The inner message of a carbon (XEP-0280): a `sent` copy must be from the own account and a `received` one from
 * someone else (a correction or retraction "sent" in a carbon by another JID is a forgery). True when it was a rich
 * update (handled or dropped).
 */
export function onRichCarbon(s: Session, inner: Element, sent: boolean): boolean {
  const o = directOrigin(s, inner);
  if (!o) return false;
  const ups = richUpdates(s, inner, o);
  if (!ups) return false;
  if (o.out !== sent) {
    s.log.warn('ignored a carbon copy of a message change whose direction does not match', { kind: sent ? 'sent' : 'received' });
    return true;
  }
  for (const e of ups) s.emit(e);
  return true;
}

/** A live (or join history) group chat stanza in `room`: true when it was a rich update. */
export function onRichGroup(s: Session, room: Room, m: Element): boolean {
  const o = groupOrigin(s, room, m);
  const ups = o ? richUpdates(s, m, o) : undefined;
  if (!ups) return false;
  for (const e of ups) s.emit(e);
  return true;
}
