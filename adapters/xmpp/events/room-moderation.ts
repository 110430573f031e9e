/**
 * Room moderation and membership changes as event lines in the room (XEP-0045 §9, §10): kicks (status 307), bans
 * (301, affiliation outcast), removal by an affiliation change (321) or a members-only switch (322), and role or
 * affiliation changes of occupants, each with the actor (`<actor nick/>`) and reason when the room gives them.
 * Also join failures in plain words (§7.2.6–§7.2.11).
 */
import type { Element } from '@xmpp/xml';
import { NS } from '../ns.js';
import type { Room } from '../rooms.js';
import { describeStanzaError } from '../stanza.js';
import type { Session } from './types.js';

/** " by alice: reason" from an `<item>`'s actor and reason, as far as given. */
function byAndWhy(item: Element | undefined): string {
  const actor = item?.getChild('actor');
  const who = actor?.attrs.nick || actor?.attrs.jid;
  const reason = item?.getChildText('reason')?.trim();
  return `${who ? ` by ${who}` : ''}${reason ? `: ${reason}` : ''}`;
}

/** The event line for an occupant `nick` leaving with `codes`, or undefined for an ordinary departure. */
export function removalLine(nick: string, self: boolean, codes: Set<string | undefined>, item: Element | undefined): string | undefined {
  const who = self ? 'you were' : `${nick} was`;
  if (codes.has('301') || item?.attrs.affiliation === 'outcast') return `${who} banned${byAndWhy(item)}`;
  if (codes.has('307')) return `${who} kicked${byAndWhy(item)}`;
  if (codes.has('321')) return `${who} removed from the room (no longer a member)${byAndWhy(item)}`;
  if (codes.has('322')) return `${who} removed from the room (it is now members-only)`;
  return undefined;
}

const ROLE_WORDS: Record<string, string> = { moderator: 'a moderator', participant: 'a participant', visitor: 'a visitor (muted)', none: 'no role' };
const AFFILIATION_WORDS: Record<string, string> = { owner: 'an owner', admin: 'an admin', member: 'a member', none: 'not a member', outcast: 'banned' };

/**
 * The event line for an occupant whose role or affiliation changed (same nick, new presence), or undefined when
 * neither changed.
 */
export function changeLine(nick: string, self: boolean, before: { role?: string; affiliation?: string }, item: Element | undefined): string | undefined {
  const role = item?.attrs.role;
  const affiliation = item?.attrs.affiliation;
  const who = self ? 'you are' : `${nick} is`;
  const parts: string[] = [];
  if (affiliation && before.affiliation && affiliation !== before.affiliation) parts.push(AFFILIATION_WORDS[affiliation] ?? affiliation);
  if (role && before.role && role !== before.role) parts.push(ROLE_WORDS[role] ?? role);
  if (parts.length === 0) return undefined;
  return `${who} now ${parts.join(' and ')}${byAndWhy(item)}`;
}

/** Emits `text` as an event line in `room`. */
export function emitRoomEvent(s: Session, room: Room, text: string): void {
  s.emit({
    type: 'message',
    message: { conversation: { remoteId: room.jid, kind: 'group' }, senderId: room.jid, senderName: room.jid, direction: 'in', kind: 'event', body: text },
  });
}

/** Raw role and affiliation per occupant id, to tell what changed (the core Participant keeps only the merged role). */
const rawRoles = new WeakMap<Room, Map<string, { role?: string; affiliation?: string }>>();

/**
 * Called for every available presence of an occupant of a joined room, before the member list is updated: emits a
 * line when the occupant's role or affiliation changed, then remembers the new ones.
 */
export function onOccupantItem(s: Session, room: Room, nick: string, self: boolean, item: Element | undefined, known: boolean): void {
  const map = rawRoles.get(room) ?? new Map<string, { role?: string; affiliation?: string }>();
  rawRoles.set(room, map);
  const id = `${room.jid}/${nick}`;
  const before = map.get(id);
  if (room.joined && known && before) {
    const line = changeLine(nick, self, before, item);
    if (line) emitRoomEvent(s, room, line);
  }
  map.set(id, { ...(item?.attrs.role ? { role: item.attrs.role } : {}), ...(item?.attrs.affiliation ? { affiliation: item.attrs.affiliation } : {}) });
}

/** Called for an occupant's unavailable presence: the removal line (kick, ban …) when there is one. */
export function onOccupantGone(s: Session, room: Room, nick: string, self: boolean, codes: Set<string | undefined>, item: Element | undefined): void {
  rawRoles.get(room)?.delete(`${room.jid}/${nick}`);
  const line = removalLine(nick, self, codes, item);
  if (line && (room.joined || self)) emitRoomEvent(s, room, line);
}

/** Why a join failed, in plain words (XEP-0045 §7.2.6–§7.2.11). */
export function joinErrorWords(p: Element): string {
  const err = p.getChild('error');
  const condition = err?.getChildElements().find((c) => c.getNS() === NS.stanzas && c.name !== 'text')?.name;
  switch (condition) {
    case 'not-authorized':
      return 'the room is password-protected and the password is missing or wrong (/join <room> <password>)';
    case 'forbidden':
      return 'you are banned from this room';
    case 'registration-required':
      return 'the room is members-only and you are not a member';
    case 'conflict':
      return 'your nickname is already in use there';
    case 'service-unavailable':
      return 'the room is full';
    case 'item-not-found':
      return 'the room does not exist, or it is not open yet (a new room opens once its creator configures it)';
    case 'not-allowed':
      return 'the room does not exist and you may not create it';
    default:
      return describeStanzaError(p);
  }
}
