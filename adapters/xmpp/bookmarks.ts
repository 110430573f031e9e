/**
 * Room bookmarks, so the rooms the user is in survive a restart of natter and follow them between devices:
 *
 * - XEP-0402 (PEP node `urn:xmpp:bookmarks:1`, one item per room, id = room JID) when the account advertises
 *   `urn:xmpp:bookmarks:1#compat` (§5.3: the server also keeps the old storage in sync for older clients);
 *   items are published with the publish-options of §4 (persistent, private: access model whitelist). Pushes from
 *   other devices arrive because we advertise `urn:xmpp:bookmarks:1+notify` in our caps (disco.ts, XEP-0163 §6).
 * - Otherwise XEP-0048 in private XML storage (XEP-0049): the whole `<storage xmlns="storage:bookmarks">` is read and
 *   written at once; no pushes.
 *
 * At login every bookmark with autojoin is joined. Joining a room adds or updates its bookmark (autojoin on, our nick
 * and password); leaving removes it. A pushed bookmark with autojoin is joined; a retracted one (or one whose autojoin
 * was switched off) is left when we are in the room. Pushes are trusted only from the own bare JID.
 */
import xml, { type Element } from '@xmpp/xml';
import type { Bookmark } from './directory.js';
import { bareJid, parseJid } from './jid.js';
import { NS } from './ns.js';
import { leaveRoom, sendJoin } from './room-membership.js';
import type { Connection, XmppState } from './state.js';
import { xmlSafe } from './xml-text.js';

export const NS_BOOKMARKS = 'urn:xmpp:bookmarks:1';
export const NS_BOOKMARKS_LEGACY = 'storage:bookmarks';
const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
const NS_PRIVATE = 'jabber:iq:private';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';

const truthy = (v: string | undefined) => v === 'true' || v === '1';

/** One XEP-0402 `<conference>` (in an item whose id is the room JID); undefined when the id is no room JID. */
export function readConference402(id: string | undefined, c: Element | undefined): Bookmark | undefined {
  const jid = bareJid(id);
  if (!jid || !jid.includes('@') || !c || !c.is('conference', NS_BOOKMARKS)) return undefined;
  const nick = c.getChildText('nick') || undefined;
  const password = c.getChildText('password') || undefined;
  const name = c.attrs.name || undefined;
  return { jid, autojoin: truthy(c.attrs.autojoin), ...(name ? { name } : {}), ...(nick ? { nick } : {}), ...(password ? { password } : {}) };
}

/** The bookmarks of a XEP-0048 `<storage>`. */
export function readStorage0048(storage: Element | undefined): Bookmark[] {
  const out: Bookmark[] = [];
  for (const c of storage?.getChildren('conference') ?? []) {
    const jid = bareJid(c.attrs.jid);
    if (!jid || !jid.includes('@')) continue;
    const nick = c.getChildText('nick') || undefined;
    const password = c.getChildText('password') || undefined;
    const name = c.attrs.name || undefined;
    out.push({ jid, autojoin: truthy(c.attrs.autojoin), ...(name ? { name } : {}), ...(nick ? { nick } : {}), ...(password ? { password } : {}) });
  }
  return out;
}

/** What a PEP notification about bookmarks says: bookmarks set, rooms retracted. */
export interface BookmarkPush {
  set: Bookmark[];
  retract: string[];
}

/**
 * Reads a bookmarks notification (XEP-0402 §3.3, XEP-0060 §7.1.2 / §7.2.2.1); undefined when `m` is none. A
 * notification not from the own bare JID is a forgery and yields an empty push (nothing changes).
 */
export function readBookmarkPush(own: string, m: Element): BookmarkPush | undefined {
  const items = m.getChild('event', NS_PUBSUB_EVENT)?.getChild('items');
  if (!items || items.attrs.node !== NS_BOOKMARKS) return undefined;
  const from = m.attrs.from === undefined ? own : bareJid(m.attrs.from);
  if (from !== own) return { set: [], retract: [] };
  const set: Bookmark[] = [];
  const retract: string[] = [];
  for (const el of items.getChildElements()) {
    if (el.name === 'item') {
      const b = readConference402(el.attrs.id, el.getChild('conference', NS_BOOKMARKS));
      if (b) set.push(b);
    } else if (el.name === 'retract') {
      const jid = bareJid(el.attrs.id);
      if (jid) retract.push(jid);
    }
  }
  return { set, retract };
}

function conference402(b: Bookmark): Element {
  return xml(
    'conference',
    { xmlns: NS_BOOKMARKS, autojoin: b.autojoin ? 'true' : 'false', ...(b.name ? { name: xmlSafe(b.name) } : {}) },
    b.nick ? xml('nick', {}, xmlSafe(b.nick)) : undefined,
    b.password ? xml('password', {}, xmlSafe(b.password)) : undefined,
  );
}

/** The XEP-0402 §3.2 publish with its required publish-options. */
export function publish402(b: Bookmark): Element {
  const field = (v: string, value: string, type?: string) => xml('field', { var: v, ...(type ? { type } : {}) }, xml('value', {}, value));
  return xml(
    'pubsub',
    { xmlns: NS_PUBSUB },
    xml('publish', { node: NS_BOOKMARKS }, xml('item', { id: b.jid }, conference402(b))),
    xml(
      'publish-options',
      {},
      xml(
        'x',
        { xmlns: NS.data, type: 'submit' },
        field('FORM_TYPE', 'http://jabber.org/protocol/pubsub#publish-options', 'hidden'),
        field('pubsub#persist_items', 'true'),
        field('pubsub#max_items', 'max'),
        field('pubsub#send_last_published_item', 'never'),
        field('pubsub#access_model', 'whitelist'),
      ),
    ),
  );
}

/** The XEP-0048 storage holding `all`. */
export function storage0048(all: Iterable<Bookmark>): Element {
  return xml(
    'storage',
    { xmlns: NS_BOOKMARKS_LEGACY },
    ...[...all].map((b) =>
      xml(
        'conference',
        { jid: b.jid, autojoin: b.autojoin ? 'true' : 'false', ...(b.name ? { name: xmlSafe(b.name) } : {}) },
        b.nick ? xml('nick', {}, xmlSafe(b.nick)) : undefined,
        b.password ? xml('password', {}, xmlSafe(b.password)) : undefined,
      ),
    ),
  );
}

const usable = (s: XmppState, conn: Connection) => s.conn === conn && !conn.closed && conn.online;

/**
 * A new session: find the storage, read the bookmarks, write what changed while they were unknown, and join every
 * autojoin room we are not in yet.
 */
export async function loadBookmarks(s: XmppState, conn: Connection): Promise<void> {
  const d = s.directory;
  // Writes made while the list is being read would be lost when it arrives: they wait until it is in.
  d.bookmarksReady = false;
  try {
    if (!d.bookmarkStore) {
      const info = await s.iq(conn, 'get', xml('query', { xmlns: NS_DISCO_INFO }), s.opts!.bare);
      const features = (info.getChild('query', NS_DISCO_INFO)?.getChildren('feature') ?? []).map((f) => f.attrs.var);
      d.bookmarkStore = features.includes(`${NS_BOOKMARKS}#compat`) ? 'pep' : 'private';
      s.log.info('bookmark storage', { store: d.bookmarkStore });
    }
    const list = d.bookmarkStore === 'pep' ? await fetch402(s, conn) : await fetch0048(s, conn);
    if (!usable(s, conn)) return;
    d.bookmarks.clear();
    for (const b of list) d.bookmarks.set(b.jid, b);
    d.bookmarksReady = true;
  } catch (e) {
    s.log.warn('bookmarks not loaded', { error: String(e) });
    return;
  }
  const pending = [...d.bookmarkPending];
  d.bookmarkPending.clear();
  for (const [jid, b] of pending) {
    if (b) await saveBookmark(s, b).catch((e: unknown) => s.log.warn('bookmark not saved', { room: jid, error: String(e) }));
    else await removeBookmark(s, jid).catch((e: unknown) => s.log.warn('bookmark not removed', { room: jid, error: String(e) }));
  }
  for (const b of d.bookmarks.values()) if (b.autojoin) joinBookmarked(s, b, conn);
}

async function fetch402(s: XmppState, conn: Connection): Promise<Bookmark[]> {
  try {
    const res = await s.iq(conn, 'get', xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: NS_BOOKMARKS })), s.opts!.bare);
    const items = res.getChild('pubsub', NS_PUBSUB)?.getChild('items')?.getChildren('item') ?? [];
    return items.map((i) => readConference402(i.attrs.id, i.getChild('conference', NS_BOOKMARKS))).filter((b): b is Bookmark => b !== undefined);
  } catch (e) {
    // No node yet: no bookmarks (XEP-0060 §6.5.9.11).
    if ((e as { condition?: string }).condition === 'item-not-found') return [];
    throw e;
  }
}

async function fetch0048(s: XmppState, conn: Connection): Promise<Bookmark[]> {
  const res = await s.iq(conn, 'get', xml('query', { xmlns: NS_PRIVATE }, xml('storage', { xmlns: NS_BOOKMARKS_LEGACY })));
  return readStorage0048(res.getChild('query', NS_PRIVATE)?.getChild('storage', NS_BOOKMARKS_LEGACY));
}

/** Joins a bookmarked room unless we are in it (or joining, or leaving) already. */
function joinBookmarked(s: XmppState, b: Bookmark, conn: Connection): void {
  if (s.rooms.get(b.jid)) return;
  const room = s.rooms.add(b.jid, b.nick || s.opts!.jid.local, b.password);
  s.log.info('joining a bookmarked room', { room: b.jid });
  s.emit({ type: 'conversation', conversation: { remoteId: b.jid, kind: 'group', title: b.name || parseJid(b.jid)?.local || b.jid } });
  sendJoin(s, room, conn);
}

/** Writes one bookmark (add or update). Rejects with the server's error. */
async function saveBookmark(s: XmppState, b: Bookmark): Promise<void> {
  const conn = s.conn;
  const d = s.directory;
  if (!conn?.online || conn.closed || !d.bookmarkStore || !d.bookmarksReady) {
    d.bookmarkPending.set(b.jid, b);
    return;
  }
  d.bookmarks.set(b.jid, b);
  if (d.bookmarkStore === 'pep') await s.iq(conn, 'set', publish402(b));
  else await s.iq(conn, 'set', xml('query', { xmlns: NS_PRIVATE }, storage0048(d.bookmarks.values())));
  s.log.info('bookmark saved', { room: b.jid, store: d.bookmarkStore });
}

async function removeBookmark(s: XmppState, jid: string): Promise<void> {
  const conn = s.conn;
  const d = s.directory;
  if (!conn?.online || conn.closed || !d.bookmarkStore || !d.bookmarksReady) {
    d.bookmarkPending.set(jid, null);
    return;
  }
  const had = d.bookmarks.delete(jid);
  if (d.bookmarkStore === 'pep') {
    // Retract even when the local view lacks it (it may have been written while the list was being fetched); a
    // bookmark that does not exist is no failure.
    try {
      await s.iq(conn, 'set', xml('pubsub', { xmlns: NS_PUBSUB }, xml('retract', { node: NS_BOOKMARKS, notify: 'true' }, xml('item', { id: jid }))));
    } catch (e) {
      if ((e as { condition?: string }).condition !== 'item-not-found') throw e;
    }
  } else if (had) {
    await s.iq(conn, 'set', xml('query', { xmlns: NS_PRIVATE }, storage0048(d.bookmarks.values())));
  }
  s.log.info('bookmark removed', { room: jid, store: d.bookmarkStore });
}

/** After Adapter.join of a room: its bookmark gets autojoin, our nick and the password (written only when changed). */
export function bookmarkJoined(s: XmppState, jid: string): void {
  const room = s.rooms.get(jid);
  if (!room) return;
  const before = s.directory.bookmarks.get(jid);
  const b: Bookmark = {
    jid,
    autojoin: true,
    ...(before?.name ? { name: before.name } : {}),
    nick: room.nick,
    ...(room.password ? { password: room.password } : {}),
  };
  if (before && JSON.stringify(before) === JSON.stringify(b)) return;
  saveBookmark(s, b).catch((e: unknown) => {
    s.log.warn('bookmark not saved', { room: jid, error: String(e) });
    s.emit({ type: 'notice', level: 'warn', text: `could not bookmark ${jid}: ${e instanceof Error ? e.message : String(e)}` });
  });
}

/** After Adapter.leave of a room: its bookmark goes, so the next login does not join it again. */
export function bookmarkLeft(s: XmppState, jid: string): void {
  removeBookmark(s, jid).catch((e: unknown) => s.log.warn('bookmark not removed', { room: jid, error: String(e) }));
}

/** A bookmarks notification: follow what another device did. True when `m` was one (handled or ignored). */
export function onBookmarkPush(s: XmppState, m: Element): boolean {
  const push = readBookmarkPush(s.opts!.bare, m);
  if (!push) return false;
  const conn = s.conn;
  for (const b of push.set) {
    // The echo of our own write changes nothing (the local view already has it).
    if (JSON.stringify(s.directory.bookmarks.get(b.jid)) === JSON.stringify(b)) continue;
    s.directory.bookmarks.set(b.jid, b);
    const room = s.rooms.get(b.jid);
    if (b.autojoin && conn?.online && !conn.closed) joinBookmarked(s, b, conn);
    else if (!b.autojoin && room && !room.leaving) leaveRoom(s, b.jid);
  }
  for (const jid of push.retract) {
    // Our own retraction echoed back: already gone locally (and the room may have been joined again since).
    if (!s.directory.bookmarks.delete(jid)) continue;
    const room = s.rooms.get(jid);
    if (room && !room.leaving) leaveRoom(s, jid);
  }
  return true;
}
