/**
 * The {@link Session} the stanza handlers (events/*) work on: the adapter's shared state, and the few actions they
 * may trigger (write, join or unlock a room, store archive markers, start a room's catch-up).
 */
import { KV_MAM_LAST, KV_MAM_ROOM, roomCatchUp } from './catch-up.js';
import type { Session } from './events/index.js';
import { sendJoin, unlockRoom } from './room-membership.js';
import { bookmarkJoined } from './bookmarks.js';
import { describeRoom } from './session-extras.js';
import type { XmppState } from './state.js';

/** A session for the account of `s` (start() makes one; `full` is filled in when a resource is bound). */
export function makeSession(s: XmppState): Session {
  const own = s.opts!.bare;
  return {
    own,
    rooms: s.rooms,
    outgoing: s.outgoing,
    mam: s.mam,
    log: s.log,
    kv: s.ctx!.kv,
    now: () => s.ctx!.now(),
    rich: s.rich,
    emit: (e) => s.emit(e),
    ...(s.omemo
      ? { omemo: { decryptIncoming: (m, sender) => s.omemo!.decryptIncoming(m, sender, s.conn && !s.conn.closed ? (iq) => s.request(s.conn!, iq) : undefined, (st) => s.write(st)) } }
      : {}),
    send: (stanza) => s.write(stanza),
    unlockRoom: (room, then) => void unlockRoom(s, room).then(then),
    joinRoom: (jid) => {
      const room = s.rooms.get(jid);
      const conn = s.conn;
      if (room && conn?.online && !conn.closed) sendJoin(s, room, conn);
    },
    sawArchiveId: (id) => s.ctx?.kv.set(KV_MAM_LAST, id),
    sawRoomArchiveId: (room, id) => {
      // While a catch-up pages forward it owns the marker (live messages are newer than its pages).
      if (!s.roomCatchUps.has(room)) s.ctx?.kv.set(KV_MAM_ROOM + room, id);
    },
    roomJoined: (room) => {
      const conn = s.conn;
      if (conn?.online && !conn.closed) void roomCatchUp(s, conn, room);
      void describeRoom(s, room);
      bookmarkJoined(s, room);
    },
  };
}
