/**
 * The roster (RFC 6121 §2) with groups and presence:
 *
 * - fetched on every new session and kept current by roster pushes (§2.1.6, only from the own account: §2.1.6 says
 *   a push from anyone else must be ignored);
 * - a contact in a roster group gets it as `parentId` of its direct conversation (the first group; groups are
 *   natter's "spaces" for XMPP), so the UI can group contacts;
 * - presence per resource (show/status, §4.7) is tracked so `/roster` can list who is around.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ResourcePresence, RosterItem } from './directory.js';
import { bareJid, normalizeJid } from './jid.js';
import type { Connection, XmppState } from './state.js';

export const NS_ROSTER = 'jabber:iq:roster';

/** Items of a `<query xmlns="jabber:iq:roster">` (a result or a push). */
export function readRosterItems(query: Element | undefined): RosterItem[] {
  const out: RosterItem[] = [];
  for (const item of query?.getChildren('item') ?? []) {
    const jid = bareJid(item.attrs.jid);
    if (!jid) continue;
    const groups = [...new Set(item.getChildren('group').map((g) => g.text().trim()).filter((g) => g.length > 0))];
    const name = item.attrs.name || undefined;
    out.push({ jid, groups, subscription: item.attrs.subscription ?? 'none', ...(name ? { name } : {}), ...(item.attrs.ask === 'subscribe' ? { ask: true } : {}) });
  }
  return out;
}

function emitContact(s: XmppState, item: RosterItem): void {
  const group = item.groups[0];
  // Only grouped contacts are announced: a roster without groups adds nothing to the conversation list.
  if (!group) return;
  s.emit({ type: 'conversation', conversation: { remoteId: item.jid, kind: 'direct', title: item.name ?? item.jid, parentId: group } });
}

/** Fetches the roster on a new session. */
export async function loadRoster(s: XmppState, conn: Connection): Promise<void> {
  try {
    const res = await s.iq(conn, 'get', xml('query', { xmlns: NS_ROSTER }));
    if (s.conn !== conn || conn.closed) return;
    const items = readRosterItems(res.getChild('query', NS_ROSTER));
    s.directory.roster.clear();
    for (const item of items) {
      s.directory.roster.set(item.jid, item);
      emitContact(s, item);
    }
    s.log.info('roster loaded', { contacts: items.length });
  } catch (e) {
    s.log.warn('roster not loaded', { error: String(e) });
  }
}

/** A roster push (an IQ set; xmpp.js's callee answers it). Trusted only from the own account. */
export function onRosterPush(s: XmppState, iq: Element): void {
  if (iq.attrs.type !== 'set') return;
  const query = iq.getChild('query', NS_ROSTER);
  if (!query) return;
  const from = iq.attrs.from === undefined ? s.opts!.bare : bareJid(iq.attrs.from);
  if (from !== s.opts!.bare) {
    s.log.warn('ignored a roster push not from the own account', { from: iq.attrs.from });
    return;
  }
  for (const item of readRosterItems(query)) {
    if (item.subscription === 'remove') {
      s.directory.roster.delete(item.jid);
      continue;
    }
    const before = s.directory.roster.get(item.jid);
    s.directory.roster.set(item.jid, item);
    if (before?.groups[0] !== item.groups[0] || before?.name !== item.name) emitContact(s, item);
  }
}

/** Tracks a contact's presence per resource (rooms' presence is not a contact's). */
export function onContactPresence(s: XmppState, p: Element): void {
  const type = p.attrs.type;
  if (type && type !== 'unavailable') return;
  const bare = bareJid(p.attrs.from);
  if (!bare || s.rooms.get(bare) || !p.attrs.from) return;
  const full = normalizeJid(p.attrs.from);
  const map = s.directory.presence.get(bare) ?? new Map<string, ResourcePresence>();
  if (type === 'unavailable') map.delete(full);
  else {
    const show = p.getChildText('show') || undefined;
    const status = p.getChildText('status') || undefined;
    map.set(full, { ...(show ? { show } : {}), ...(status ? { status } : {}) });
  }
  if (map.size === 0) s.directory.presence.delete(bare);
  else s.directory.presence.set(bare, map);
}

const SHOW_WORDS: Record<string, string> = { chat: 'free to chat', away: 'away', xa: 'away for long', dnd: 'busy' };

/** How a contact is doing, in words: the most available resource's show and status. */
export function presenceWords(s: XmppState, jid: string): string {
  const map = s.directory.presence.get(jid);
  if (!map || map.size === 0) return 'offline';
  const rank = (p: ResourcePresence) => ['chat', undefined, 'away', 'xa', 'dnd'].indexOf(p.show);
  const best = [...map.values()].sort((a, b) => rank(a) - rank(b))[0]!;
  const words = best.show ? (SHOW_WORDS[best.show] ?? best.show) : 'online';
  return best.status ? `${words}: “${best.status}”` : words;
}

const SUBSCRIPTION_WORDS: Record<string, string> = {
  both: 'mutual',
  to: 'you see them',
  from: 'they see you',
  none: 'no subscription',
};

/** The `/roster` listing: one line per contact, grouped, with presence and subscription. */
export function rosterLines(s: XmppState): string[] {
  const items = [...s.directory.roster.values()];
  if (items.length === 0) return ['your roster is empty (/add <address> adds a contact)'];
  const byGroup = new Map<string, RosterItem[]>();
  for (const item of items) {
    for (const g of item.groups.length > 0 ? item.groups : ['']) byGroup.set(g, [...(byGroup.get(g) ?? []), item]);
  }
  const lines = [`roster: ${items.length} contact${items.length === 1 ? '' : 's'}`];
  const groups = [...byGroup.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  for (const g of groups) {
    lines.push(g === '' ? 'no group:' : `${g}:`);
    for (const item of byGroup.get(g)!.sort((a, b) => a.jid.localeCompare(b.jid))) {
      const name = item.name ? `${item.name} <${item.jid}>` : item.jid;
      const sub = (SUBSCRIPTION_WORDS[item.subscription] ?? item.subscription) + (item.ask ? ', request pending' : '');
      lines.push(`  ${name} — ${presenceWords(s, item.jid)} (${sub})`);
    }
  }
  return lines;
}
