/**
 * Adapter.history for XMPP: older messages of a conversation, page by page, from a message archive (XEP-0313).
 */
import type { HistoryPage, IncomingMessage } from '../../src/core/contract.js';
import { isItemNotFound } from './catch-up.js';
import { bareOf, parseJid } from './jid.js';
import { mamQuery, readFin } from './mam.js';
import type { XmppState } from './state.js';

/**
 * Pages backwards through the archive (XEP-0313): the room's own archive for a room, else the own archive
 * filtered by the contact. `before` is the RSM cursor of the previous page (the oldest archive id it held).
 */
export async function fetchHistory(s: XmppState, remoteId: string, before: string | undefined, limit: number): Promise<HistoryPage> {
  const conn = s.conn;
  if (!conn?.online || conn.closed) return { messages: [] };
  const target = parseJid(remoteId);
  if (!target) return { messages: [] };
  const bare = bareOf(target);
  // A private message with a room occupant lives in the own archive, under the occupant's full JID. A room we
  // left (on a known MUC service) still has its own archive.
  const room = target.resource
    ? undefined
    : (s.rooms.get(bare) ?? (s.conferenceDomains.get(target.domain) ? { jid: bare } : undefined));
  const max = Math.max(1, Math.min(Math.floor(limit) || 50, 250));
  const ask = async (cursor: string): Promise<HistoryPage> => {
    const q = s.mam.open(room ? room.jid : s.opts!.bare, { historical: true, ...(room ? { room: room.jid } : {}) });
    try {
      const req = mamQuery(q, { max, before: cursor, ...(room ? { to: room.jid } : { with: target.resource ? remoteId : bare }) });
      const res = await s.request(conn, req);
      const fin = readFin(res);
      const messages: IncomingMessage[] = q.messages;
      // The page has no place for changes to messages (corrections, reactions in the archive): they go out as events
      // once the engine has stored the page (it does so as soon as this promise settles); changes met before their
      // message (paging backwards) wait for the page that brings it (rich-state.ts).
      const updates = s.rich.historyUpdates(messages, q.updates);
      if (updates.length) setImmediate(() => updates.forEach((u) => s.emit(u)));
      return { messages, ...(fin.complete || !fin.first || messages.length === 0 ? {} : { next: fin.first }) };
    } finally {
      s.mam.close(q.id);
    }
  };
  try {
    try {
      return await ask(before ?? '');
    } catch (e) {
      // The cursor is no archive id (an own one-to-one message is known by its origin-id until the archive
      // names it): page from the newest end instead; the engine drops what it already has.
      if (before && isItemNotFound(e)) return await ask('');
      throw e;
    }
  } catch (e) {
    s.log.warn('archive query failed', e);
    return { messages: [] };
  }
}
