/** NICK (RFC 2812 §3.1.2): renames the member in every shared channel and reports own nick changes. */
import type { IrcLine, IrcSession } from '../session.js';
import type { HandlerTable } from './types.js';

function onNick(s: IrcSession, line: IrcLine): void {
  const to = line.params[0];
  const from = line.nick;
  if (!to || !from) return;
  const self = s.isSelf(from);
  const fromKey = s.fold(from);
  for (const ch of s.channels.values()) {
    const m = ch.members.get(fromKey);
    if (!m && !self) continue;
    if (m) {
      ch.members.delete(fromKey);
      ch.members.set(s.fold(to), { ...m, nick: to });
    }
    s.emit({ type: 'members', conversationRemoteId: ch.name, rename: { from, to } });
    s.emitEvent(line, ch.name, from, `${from} is now known as ${to}`, 'nick', { newNick: to });
  }
  // Only now: the event lines above are still attributed to the old (own) nick.
  if (self) {
    s.nick = to;
    s.hooks.nickChanged(to);
  }
}

export const nickHandlers: HandlerTable = { NICK: onNick };
