/**
 * RPL_NAMREPLY (353) / RPL_ENDOFNAMES (366): the full member list, with every prefix a member holds when
 * multi-prefix is on (IRCv3 multi-prefix) and `nick!user@host` entries with userhost-in-names.
 */
import type { HandlerTable } from './types.js';

export const namesHandlers: HandlerTable = {
  // <me> <symbol> <channel> :[prefix]<nick>{ [prefix]<nick>}
  '353': (s, line) => {
    const name = line.params[2];
    const list = line.params[3] ?? '';
    if (!name) return;
    const ch = s.channel(name);
    if (!ch) return;
    ch.names ??= new Map();
    for (const entry of list.split(' ')) {
      if (!entry) continue;
      const m = s.splitPrefixed(entry);
      if (!m.nick) continue;
      const known = ch.members.get(s.fold(m.nick));
      ch.names.set(s.fold(m.nick), known?.account ? { ...m, account: known.account } : m);
    }
  },
  // <me> <channel> :End of /NAMES list.
  '366': (s, line) => {
    const name = line.params[1];
    if (!name) return;
    const ch = s.channel(name);
    if (!ch) return;
    ch.members = ch.names ?? new Map();
    ch.names = undefined;
    s.emit({ type: 'members', conversationRemoteId: ch.name, replace: [...ch.members.values()].map((m) => s.participant(m)) });
  },
};
