/**
 * Archive catch-up (XEP-0313) after a connection: the own archive after the last archive id seen (so messages that
 * arrived while offline are reported; the engine dedups by id), and each rejoined room's archive after the newest
 * message seen there. The markers live in the account's kv store.
 */
import { mamQuery, readFin } from './mam.js';
import type { Connection, XmppState } from './state.js';

/** kv key: the newest archive id of the own archive this account has seen (catch-up starts after it). */
export const KV_MAM_LAST = 'mam:last';
/** kv key prefix: the newest archive id seen per room (`mam:room:<room JID>`), where the room catch-up starts. */
export const KV_MAM_ROOM = 'mam:room:';
/** Messages fetched from the own archive on the first connection of an account (there is no marker yet). */
const FIRST_CATCH_UP = 50;
const CATCH_UP_PAGE = 100;

/** Whether an IQ failed with `item-not-found` (a MAM cursor the archive does not know, XEP-0313 §6.2). */
export function isItemNotFound(e: unknown): boolean {
  return (e as { condition?: string } | undefined)?.condition === 'item-not-found';
}

/**
 * Pages forward through one archive (XEP-0313 §4.1.3, RSM) from the marker under `key`, reporting every message and
 * moving the marker to the newest id seen. Without a marker, `first` fetches only the newest page. Stops at the end of
 * the archive, after `maxPages`, or when the connection is replaced.
 */
async function pageForward(
  s: XmppState,
  conn: Connection,
  o: { key: string; archive: string; room?: string; maxPages: number; first?: { max: number } },
): Promise<void> {
  const kv = s.ctx!.kv;
  let after = kv.get(o.key);
  const first = after === undefined ? o.first : undefined;
  for (let page = 0; page < o.maxPages && s.conn === conn && !conn.closed; page++) {
    const q = s.mam.open(o.archive, { ...(o.room ? { room: o.room } : {}), historical: first !== undefined });
    try {
      const at = first ? { before: '', max: first.max } : { after, max: CATCH_UP_PAGE };
      const res = await s.request(conn, mamQuery(q, o.room ? { ...at, to: o.room } : at));
      const fin = readFin(res);
      for (const m of q.messages) s.emit({ type: 'message', message: m });
      // Changes after the messages they change (a correction in the same page as its original).
      for (const u of q.updates) s.emit(u);
      const last = fin.last ?? q.lastId;
      if (last) {
        kv.set(o.key, last);
        after = last;
      }
      if (first || fin.complete || q.messages.length === 0) return;
    } finally {
      s.mam.close(q.id);
    }
  }
}

/** Fetches what the own archive got since the last archive id seen (the newest page on an account's first run). */
export async function catchUp(s: XmppState, conn: Connection): Promise<void> {
  try {
    await pageForward(s, conn, { key: KV_MAM_LAST, archive: s.opts!.bare, maxPages: 50, first: { max: FIRST_CATCH_UP } });
  } catch (e) {
    if (isItemNotFound(e)) {
      // The marker is no longer in the archive (expired, or the archive was cleared): start over.
      s.log.info('archive marker unknown to the server; fetching the newest messages');
      s.ctx!.kv.delete(KV_MAM_LAST);
    } else {
      s.log.warn('archive catch-up failed', e);
    }
  }
}

/**
 * After (re)joining a room we were in before: fetch what the room archive (XEP-0313 on the room, XEP-0045 MUC MAM)
 * holds after the newest message we saw, so an offline period longer than the join history leaves no gap. The
 * join history and this overlap; the room's stanza-ids make them one.
 */
export async function roomCatchUp(s: XmppState, conn: Connection, room: string): Promise<void> {
  const key = KV_MAM_ROOM + room;
  if (s.ctx!.kv.get(key) === undefined || s.roomCatchUps.has(room)) return;
  s.roomCatchUps.add(room);
  try {
    await pageForward(s, conn, { key, archive: room, room, maxPages: 20 });
  } catch (e) {
    if (isItemNotFound(e)) s.ctx!.kv.delete(key);
    s.log.warn('room archive catch-up failed', { room, error: String(e) });
  } finally {
    s.roomCatchUps.delete(room);
  }
}
