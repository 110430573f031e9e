/**
 * Joining and leaving rooms (XEP-0045): the join presence, telling rooms from contacts by service discovery
 * (XEP-0030), unlocking a room we just created, and the leave presence. Room state itself lives in rooms.ts.
 */
import xml from '@xmpp/xml';
import { CommandError } from '../../src/core/errors.js';
import { bareJid, bareOf, parseJid } from './jid.js';
import { NS } from './ns.js';
import type { Room } from './rooms.js';
import type { Connection, XmppState } from './state.js';
import { xmlSafe } from './xml-text.js';

/** Room history asked on join (XEP-0045 §7.2.15); older history comes from the room archive. */
const JOIN_HISTORY = 20;

/**
 * Adapter.join: a room address joins (or re-joins with a new nick/password) that room; an address on a domain that
 * is no MUC service opens a one-to-one conversation instead. While offline the join waits for the next connection.
 */
export async function joinAddress(s: XmppState, address: string, options?: { password?: string }): Promise<void> {
  const j = parseJid(address.trim().split(/\s+/)[0]);
  if (!j || !j.local) throw new CommandError('join needs a room address such as room@conference.example.org');
  const bare = bareOf(j);
  if (!(await isConference(s, j.domain))) {
    // Not a room: open a one-to-one conversation with that contact.
    s.emit({ type: 'conversation', conversation: { remoteId: bare, kind: 'direct', title: bare } });
    return;
  }
  const room = s.rooms.get(bare) ?? s.rooms.add(bare, j.resource || s.opts!.jid.local, options?.password);
  if (j.resource) room.nick = j.resource;
  if (options?.password) room.password = options.password;
  if (room.leaving) {
    room.rejoin = true;
    return;
  }
  const conn = s.conn;
  if (conn?.online && !conn.closed) sendJoin(s, room, conn);
}

/** Whether `domain` is a MUC service (XEP-0030 identity category "conference"); unknown while offline: assume yes. */
async function isConference(s: XmppState, domain: string): Promise<boolean> {
  const known = s.conferenceDomains.get(domain);
  if (known !== undefined) return known;
  const conn = s.conn;
  if (!conn?.online || conn.closed) return true;
  try {
    const res = await s.iq(conn, 'get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), domain);
    const yes = (res.getChild('query', 'http://jabber.org/protocol/disco#info')?.getChildren('identity') ?? []).some((i) => i.attrs.category === 'conference');
    s.conferenceDomains.set(domain, yes);
    return yes;
  } catch (e) {
    s.log.debug('disco#info failed', e);
    return false;
  }
}

/** Sends the join presence for `room` on `conn` and marks the room as joining. */
export function sendJoin(s: XmppState, room: Room, conn: Connection): void {
  room.joining = true;
  // XEP-0045 §7.2: presence to room/nick with the MUC extension (and the password of a protected room).
  s.write(
    xml(
      'presence',
      { to: `${room.jid}/${room.nick}` },
      xml('x', { xmlns: NS.muc }, xml('history', { maxstanzas: String(JOIN_HISTORY) }), room.password ? xml('password', {}, xmlSafe(room.password)) : undefined),
    ),
    conn,
  );
}

/** Accepts the default configuration of a room we just created (an "instant room", XEP-0045 §10.1.2). */
export async function unlockRoom(s: XmppState, room: string): Promise<void> {
  const conn = s.conn;
  if (!conn?.online) return;
  try {
    await s.iq(conn, 'set', xml('query', { xmlns: NS.mucOwner }, xml('x', { xmlns: NS.data, type: 'submit' })), room);
    s.log.info('created room unlocked', { room });
  } catch (e) {
    s.log.warn('could not unlock the new room', e);
    s.emit({ type: 'notice', level: 'warn', text: `the new room ${room} could not be configured and may stay locked` });
  }
}

/** Adapter.leave: sends the leave presence of a joined room (with `reason` as status), or forgets a room not joined. */
export function leaveRoom(s: XmppState, remoteId: string, reason?: string): void {
  const bare = bareJid(remoteId);
  const room = s.rooms.get(bare);
  if (!room) return;
  room.rejoin = false;
  const conn = s.conn;
  if (!room.joined || !conn?.online || conn.closed) {
    s.rooms.delete(room.jid);
  } else {
    room.leaving = true;
    s.write(xml('presence', { to: `${room.jid}/${room.nick}`, type: 'unavailable' }, reason ? xml('status', {}, xmlSafe(reason)) : undefined), conn);
  }
  s.emit({ type: 'conversation', conversation: { remoteId: room.jid, kind: 'group', joined: false } });
}

/** The rooms are gone with the session: each joined one is reported left, then all wait to be joined afresh. */
export function forgetRoomSessions(s: XmppState): void {
  for (const room of s.rooms.all()) {
    if (room.joined) s.emit({ type: 'conversation', conversation: { remoteId: room.jid, kind: 'group', joined: false } });
  }
  s.rooms.resetAll();
}
