/**
 * Optional person linking (`[[people]]` in the config): one person's conversations on several networks are listed
 * together in the sidebar under the person's name, each with its network ("Bob · xmpp"). A conversation belongs to a
 * person when its remote id is one of the person's addresses for the account's protocol: a bare JID (XMPP), an email
 * address, a Matrix id (the conversation's remote id, so a room id; Matrix DMs name no peer in the model), or for IRC
 * "account/nick" (a nick only means something on its network). Comparison ignores case (JIDs' and email domains are
 * case-insensitive, IRC nicks are by RFC 2812 casemapping; lower-casing is close enough for matching a config entry).
 */
import type { Account, Conversation, Protocol } from '../core/model.js';

/** A `[[people]]` entry: the name, and per network the addresses (lists). */
export interface Person {
  name: string;
  xmpp?: readonly string[];
  matrix?: readonly string[];
  email?: readonly string[];
  /** "account/nick". */
  irc?: readonly string[];
}

/** A conversation's person and the text its sidebar row shows. */
export interface PersonMatch {
  person: Person;
  /** `name · network`, the network always visible. */
  label: string;
}

/** Builds the matcher for a config's people; undefined for a conversation of nobody listed. */
export function personMatcher(
  people: readonly Person[],
  accounts: readonly Account[],
): (c: Conversation) => PersonMatch | undefined {
  const index = new Map<string, Person>();
  const add = (protocol: Protocol, list: readonly string[] | undefined, p: Person): void => {
    for (const a of list ?? []) if (!index.has(`${protocol} ${a.toLowerCase()}`)) index.set(`${protocol} ${a.toLowerCase()}`, p);
  };
  for (const p of people) {
    add('xmpp', p.xmpp, p);
    add('matrix', p.matrix, p);
    add('email', p.email, p);
    add('irc', p.irc, p);
  }
  const protocols = new Map(accounts.map((a) => [a.id, a.protocol]));
  return (c) => {
    if (index.size === 0 || c.kind === 'server') return undefined;
    const protocol = protocols.get(c.accountId);
    if (!protocol) return undefined;
    const key = protocol === 'irc' ? `${c.accountId}/${c.remoteId}` : c.remoteId;
    const person = index.get(`${protocol} ${key.toLowerCase()}`);
    return person && { person, label: `${person.name} · ${protocol}` };
  };
}
