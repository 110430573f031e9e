/**
 * The order of the sidebar, which is also the order of Alt-1…9 and of Alt-Up/Alt-Down: accounts in engine order, under
 * each its server buffer, then channels and groups, then direct conversations, each alphabetically. Closed
 * conversations are left out.
 */
import type { Account, Conversation } from '../core/model.js';

export type SidebarEntry =
  | { type: 'account'; key: string; account: Account }
  | { type: 'conversation'; key: string; conversation: Conversation; index: number };

const kindRank = { server: 0, channel: 1, group: 1, direct: 2 } as const;

function compare(a: Conversation, b: Conversation): number {
  const k = kindRank[a.kind] - kindRank[b.kind];
  if (k !== 0) return k;
  const x = a.title.toLowerCase();
  const y = b.title.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Account ids in sidebar order: configured accounts first, then any account only conversations mention. */
function accountOrder(accounts: readonly Account[], conversations: readonly Conversation[]): string[] {
  const ids = accounts.map((a) => a.id);
  for (const c of conversations) if (!ids.includes(c.accountId)) ids.push(c.accountId);
  return ids;
}

/** Open conversations in sidebar order. */
export function orderedConversations(accounts: readonly Account[], conversations: readonly Conversation[]): Conversation[] {
  const out: Conversation[] = [];
  for (const id of accountOrder(accounts, conversations)) {
    out.push(...conversations.filter((c) => c.accountId === id && !c.closed).sort(compare));
  }
  return out;
}

/** Sidebar rows: an account heading followed by its conversations. */
export function sidebarEntries(accounts: readonly Account[], conversations: readonly Conversation[]): SidebarEntry[] {
  const entries: SidebarEntry[] = [];
  let index = 0;
  for (const id of accountOrder(accounts, conversations)) {
    const account = accounts.find((a) => a.id === id) ?? { id, protocol: 'irc', state: 'offline' as const };
    entries.push({ type: 'account', key: `a:${id}`, account });
    for (const c of conversations.filter((x) => x.accountId === id && !x.closed).sort(compare)) {
      entries.push({ type: 'conversation', key: `c:${c.id}`, conversation: c, index: index++ });
    }
  }
  return entries;
}
