/**
 * Room presence (XEP-0045 §7.2): occupants joining, leaving and changing nick, and our own presence that completes
 * a join (status 110). Status 201 means we created the room and it stays locked until configured (§10.1.2).
 */
import type { Element } from '@xmpp/xml';
import { bareOf, parseJid } from '../jid.js';
import { NS } from '../ns.js';
import { occupant } from '../rooms.js';
import { describeStanzaError } from '../stanza.js';
import { joinErrorWords, onOccupantGone, onOccupantItem } from './room-moderation.js';
import type { Session } from './types.js';

/** True when `p` came from a room this session is in or joining. */
export function onRoomPresence(s: Session, p: Element): boolean {
  const from = parseJid(p.attrs.from);
  const room = s.rooms.get(from ? bareOf(from) : undefined);
  if (!from || !room) return false;
  const nick = from.resource;
  if (p.attrs.type === 'error') {
    if (nick && nick !== room.nick) return true;
    // Only an answer to our join is a join failure; a late error (e.g. to the unavailable presence the server sends
    // for us when the session ends) says nothing about the room we want to be in.
    if (!room.joining) {
      s.log.debug('room presence error outside a join', { room: room.jid, error: describeStanzaError(p) });
      return true;
    }
    const reason = joinErrorWords(p);
    s.emit({ type: 'notice', level: 'error', text: `cannot join ${room.jid}: ${reason}` });
    s.emit({ type: 'conversation', conversation: { remoteId: room.jid, kind: 'group', joined: false } });
    s.rooms.delete(room.jid);
    return true;
  }
  if (!nick) return true;
  const x = p.getChild('x', NS.mucUser);
  const item = x?.getChild('item');
  const codes = new Set((x?.getChildren('status') ?? []).map((c) => c.attrs.code));
  const self = codes.has('110') || (!room.joined && nick === room.nick);
  const id = `${room.jid}/${nick}`;

  if (p.attrs.type === 'unavailable') {
    const before = room.occupants.get(id);
    room.occupants.delete(id);
    // 303: a nick change (ours too, with 110); the new nick's presence follows (XEP-0045 §7.6).
    const newNick = codes.has('303') ? item?.attrs.nick : undefined;
    if (newNick) {
      const to = `${room.jid}/${newNick}`;
      if (before) room.occupants.set(to, { ...before, id: to, name: newNick });
      if (self) room.nick = newNick;
      if (room.joined) s.emit({ type: 'members', conversationRemoteId: room.jid, rename: { from: id, to } });
      return true;
    }
    onOccupantGone(s, room, nick, self, codes, item);
    if (self) {
      // We left, or were kicked (307) or banned (301).
      const why = codes.has('301') ? 'banned' : codes.has('307') ? 'kicked' : undefined;
      if (why) s.emit({ type: 'notice', level: 'warn', text: `${why} from ${room.jid}` });
      if (room.leaving && room.rejoin) {
        // The user joined again while the leave was under way: now that it is done, join afresh.
        room.leaving = false;
        room.rejoin = false;
        room.joined = false;
        room.occupants.clear();
        s.joinRoom(room.jid);
        return true;
      }
      if (!room.leaving) s.emit({ type: 'conversation', conversation: { remoteId: room.jid, kind: 'group', joined: false } });
      // Only a deliberate removal drops the room: kick (307), ban (301), lost affiliation (321), members-only (322),
      // or the room destroyed. Otherwise (332 service shutdown, our session ended in a server restart) we did not
      // leave, so the room is joined again on the next session.
      const removed = ['301', '307', '321', '322'].some((c) => codes.has(c)) || x?.getChild('destroy') !== undefined;
      if (!removed && !room.leaving) {
        room.joined = false;
        room.occupants.clear();
        return true;
      }
      s.rooms.delete(room.jid);
      return true;
    }
    if (room.joined) s.emit({ type: 'members', conversationRemoteId: room.jid, remove: [id] });
    return true;
  }

  const who = occupant(room.jid, nick, item?.attrs.affiliation, item?.attrs.role, item?.attrs.jid ? bareOfText(item.attrs.jid) : undefined);
  const known = room.occupants.get(id);
  onOccupantItem(s, room, nick, self, item, known !== undefined);
  room.occupants.set(id, who);
  if (self && !room.joined) {
    room.joined = true;
    room.joining = false;
    room.nick = nick;
    const joined = () => {
      s.emit({ type: 'conversation', conversation: { remoteId: room.jid, kind: 'group', title: from.local || room.jid, joined: true } });
      s.emit({ type: 'members', conversationRemoteId: room.jid, replace: [...room.occupants.values()] });
      s.roomJoined(room.jid);
    };
    if (!codes.has('201')) {
      room.unlocking = undefined;
      joined();
      return true;
    }
    // We created the room and it stays locked, refusing everyone else, until we submit its configuration (XEP-0045
    // §10.1.2). The join counts as done only once the room is open: whoever acts on "joined" (an invitation, another
    // account joining, a message to others) would otherwise race the unlock and find the room refused to them.
    const token = {};
    room.unlocking = token;
    s.unlockRoom(room.jid, () => {
      // Skip when the session ended, the user left, or a later join took over meanwhile.
      if (room.unlocking !== token || s.rooms.get(room.jid) !== room || !room.joined || room.leaving) return;
      room.unlocking = undefined;
      joined();
    });
    return true;
  }
  // A presence that changes nothing we show (status text, the presence after a nick change) emits nothing.
  if (room.joined && JSON.stringify(known) !== JSON.stringify(who)) {
    s.emit({ type: 'members', conversationRemoteId: room.jid, ...(known ? { remove: [id], add: [who] } : { add: [who] }) });
  }
  return true;
}

function bareOfText(jid: string): string | undefined {
  const j = parseJid(jid);
  return j ? bareOf(j) : undefined;
}
