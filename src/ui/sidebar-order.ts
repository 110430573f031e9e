/**
 * The order of the sidebar, which is also the order of Alt-1…9 and of Alt-Up/Alt-Down: accounts in engine order, under
 * each its server buffer, then channels and groups, then direct conversations, each alphabetically; then the account's
 * groups (conversations with a `parentId`: a Matrix space, an XMPP roster group) alphabetically by heading, each with
 * its conversations in the same order. Closed conversations are left out, and so are the conversations of a collapsed
 * group — except the selected one, so collapsing the group one is reading keeps it on screen (and the same key opens
 * the group again). With `[[people]]` configured, a person's conversations come first, under the person's name, each
 * labelled with its network (people.ts), and leave their accounts' lists.
 */
import type { Account, Conversation } from '../core/model.js';
import { personMatcher, type Person } from './people.js';

export type SidebarEntry =
  | { type: 'account'; key: string; account: Account }
  | {
      type: 'group';
      key: string;
      /** {@link groupKey} of the group: what the collapse state is kept by. */
      group: string;
      title: string;
      collapsed: boolean;
      /** Sums over the group's open conversations (shown on the heading of a collapsed group). */
      unread: number;
      mentions: number;
    }
  | {
      type: 'person';
      key: string;
      name: string;
      /** The person's conversation used last (latest activity): what selecting the person opens. */
      latestId: string;
      unread: number;
      mentions: number;
    }
  | {
      type: 'conversation';
      key: string;
      conversation: Conversation;
      index: number;
      depth: 0 | 1;
      /** Shown instead of the title (a person's conversation: "Bob · xmpp"). */
      label?: string;
    };

/** Options of {@link sidebarEntries}. */
export interface SidebarOptions {
  /** {@link groupKey}s of the collapsed groups. */
  collapsed?: ReadonlySet<string>;
  /** The selected conversation: stays listed even when its group is collapsed. */
  selectedId?: string;
  /** `[[people]]` of the config. */
  people?: readonly Person[];
}

const kindRank = { server: 0, channel: 1, group: 1, direct: 2 } as const;

function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function compare(a: Conversation, b: Conversation): number {
  const k = kindRank[a.kind] - kindRank[b.kind];
  if (k !== 0) return k;
  return compareText(a.title.toLowerCase(), b.title.toLowerCase()) || compareText(a.id, b.id);
}

/** A Matrix space (the adapter marks it `ext.space`): shown as the heading of its rooms, not as a row. */
export function isSpace(c: Conversation): boolean {
  return c.ext?.['space'] === true;
}

/** The key a group's collapse state is kept under: account and `parentId` (a space's room id, a roster group name). */
export function groupKey(accountId: string, parentId: string): string {
  return `${accountId}\u0000${parentId}`;
}

/** The group a conversation is listed under, as a {@link groupKey}; undefined when it has none (or is a space). */
export function groupOf(c: Conversation): string | undefined {
  return c.parentId !== undefined && !isSpace(c) ? groupKey(c.accountId, c.parentId) : undefined;
}

/** Account ids in sidebar order: configured accounts first, then any account only conversations mention. */
function accountOrder(accounts: readonly Account[], conversations: readonly Conversation[]): string[] {
  const ids = accounts.map((a) => a.id);
  for (const c of conversations) if (!ids.includes(c.accountId)) ids.push(c.accountId);
  return ids;
}

/** Open conversations in sidebar order (the visible ones: see {@link SidebarOptions}). */
export function orderedConversations(
  accounts: readonly Account[],
  conversations: readonly Conversation[],
  options: SidebarOptions = {},
): Conversation[] {
  return sidebarEntries(accounts, conversations, options).flatMap((e) => (e.type === 'conversation' ? [e.conversation] : []));
}

/** Sidebar rows: an account heading, its ungrouped conversations, then its groups (heading and members). */
export function sidebarEntries(
  accounts: readonly Account[],
  conversations: readonly Conversation[],
  options: SidebarOptions = {},
): SidebarEntry[] {
  const entries: SidebarEntry[] = [];
  let index = 0;
  const order = accountOrder(accounts, conversations);
  // People first: each person's open conversations, in account order, labelled with their network.
  const match = personMatcher(options.people ?? [], accounts);
  const byPerson = new Map<Person, { conversation: Conversation; label: string }[]>();
  const linked = new Set<string>();
  for (const id of order) {
    for (const c of conversations.filter((x) => x.accountId === id && !x.closed && !isSpace(x)).sort(compare)) {
      const m = match(c);
      if (!m) continue;
      linked.add(c.id);
      byPerson.set(m.person, [...(byPerson.get(m.person) ?? []), { conversation: c, label: m.label }]);
    }
  }
  const persons = [...byPerson].sort(([a], [b]) => compareText(a.name.toLowerCase(), b.name.toLowerCase()));
  for (const [person, list] of persons) {
    const latest = list.reduce((x, y) => (y.conversation.lastActivityAt > x.conversation.lastActivityAt ? y : x));
    entries.push({
      type: 'person',
      key: `p:${list[0]!.conversation.id}`,
      name: person.name,
      latestId: latest.conversation.id,
      unread: list.reduce((n, x) => n + x.conversation.unread, 0),
      mentions: list.reduce((n, x) => n + x.conversation.mentions, 0),
    });
    for (const { conversation: c, label } of list) {
      entries.push({ type: 'conversation', key: `c:${c.id}`, conversation: c, index: index++, depth: 1, label });
    }
  }
  for (const id of order) {
    const account = accounts.find((a) => a.id === id) ?? { id, protocol: 'irc', state: 'offline' as const };
    entries.push({ type: 'account', key: `a:${id}`, account });
    const mine = conversations.filter((x) => x.accountId === id);
    const open = mine.filter((x) => !x.closed && !isSpace(x) && !linked.has(x.id)).sort(compare);
    const groups = new Map<string, Conversation[]>();
    for (const c of open) {
      if (c.parentId === undefined) entries.push({ type: 'conversation', key: `c:${c.id}`, conversation: c, index: index++, depth: 0 });
      else groups.set(c.parentId, [...(groups.get(c.parentId) ?? []), c]);
    }
    // The heading of a space is its title; a roster group's is its name.
    const titled = [...groups].map(([parent, members]) => {
      const space = mine.find((x) => x.remoteId === parent && isSpace(x));
      return { parent, members, title: space?.title || parent };
    });
    titled.sort((a, b) => compareText(a.title.toLowerCase(), b.title.toLowerCase()) || compareText(a.parent, b.parent));
    for (const g of titled) {
      const group = groupKey(id, g.parent);
      const collapsed = options.collapsed?.has(group) ?? false;
      entries.push({
        type: 'group',
        key: `g:${group}`,
        group,
        title: g.title,
        collapsed,
        unread: g.members.reduce((n, c) => n + c.unread, 0),
        mentions: g.members.reduce((n, c) => n + c.mentions, 0),
      });
      for (const c of g.members) {
        if (collapsed && c.id !== options.selectedId) continue;
        entries.push({ type: 'conversation', key: `c:${c.id}`, conversation: c, index: index++, depth: 1 });
      }
    }
  }
  return entries;
}
