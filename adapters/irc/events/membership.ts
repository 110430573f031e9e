/**
 * JOIN / PART / QUIT / KICK (RFC 2812 §3.2, §3.1.7) with IRCv3 extended-join (account, realname). Each becomes a
 * `members` change and an `event` message with `ext.ircEvent` so the UI can collapse them.
 */
import type { IrcLine, IrcSession } from '../session.js';
import type { HandlerTable } from './types.js';

const why = (reason: string | undefined) => (reason ? ` (${reason})` : '');

function onJoin(s: IrcSession, line: IrcLine): void {
  const name = line.params[0];
  if (!name || !line.nick) return;
  const account = line.params.length >= 3 && line.params[1] !== '*' ? line.params[1] : line.tags.account;
  if (s.isSelf(line.nick)) {
    if (!s.user && line.ident) s.user = line.ident;
    if (!s.host && line.hostname) s.host = line.hostname;
    s.channels.set(s.fold(name), { name, members: new Map() });
    // Joining answers any invitation to the channel.
    s.emit({ type: 'conversation', conversation: { remoteId: name, kind: 'channel', title: name, joined: true, invitedBy: null } });
    s.hooks.joined(name);
  } else {
    const ch = s.channel(name);
    if (ch) {
      const member = { nick: line.nick, prefixes: '', ...(account ? { account } : {}) };
      ch.members.set(s.fold(line.nick), member);
      s.emit({ type: 'members', conversationRemoteId: ch.name, add: [s.participant(member)] });
    }
  }
  s.emitEvent(line, name, line.nick, `${line.nick} joined`, 'join', account ? { account } : undefined);
}

function onPart(s: IrcSession, line: IrcLine): void {
  const name = line.params[0];
  if (!name || !line.nick) return;
  const ch = s.channel(name);
  const reason = line.params[1];
  s.emitEvent(line, name, line.nick, `${line.nick} left${why(reason)}`, 'part');
  if (s.isSelf(line.nick)) {
    s.channels.delete(s.fold(name));
    s.emit({ type: 'conversation', conversation: { remoteId: ch?.name ?? name, kind: 'channel', joined: false } });
    s.hooks.left(name);
  } else if (ch) {
    ch.members.delete(s.fold(line.nick));
    s.emit({ type: 'members', conversationRemoteId: ch.name, remove: [line.nick] });
  }
}

function onQuit(s: IrcSession, line: IrcLine): void {
  if (!line.nick || s.isSelf(line.nick)) return;
  const key = s.fold(line.nick);
  for (const ch of s.channels.values()) {
    if (!ch.members.delete(key)) continue;
    s.emit({ type: 'members', conversationRemoteId: ch.name, remove: [line.nick] });
    s.emitEvent(line, ch.name, line.nick, `${line.nick} quit${why(line.params[0])}`, 'quit');
  }
}

function onKick(s: IrcSession, line: IrcLine): void {
  const [name, victim, reason] = line.params;
  if (!name || !victim) return;
  const actor = line.nick || line.prefix;
  const ch = s.channel(name);
  s.emitEvent(line, name, actor, `${victim} was kicked by ${actor}${why(reason)}`, 'kick', { target: victim });
  if (s.isSelf(victim)) {
    s.channels.delete(s.fold(name));
    s.emit({ type: 'conversation', conversation: { remoteId: ch?.name ?? name, kind: 'channel', joined: false } });
    s.emit({ type: 'notice', level: 'warn', text: `${actor} kicked you from ${name}${why(reason)}` });
    s.hooks.left(name);
  } else if (ch) {
    ch.members.delete(s.fold(victim));
    s.emit({ type: 'members', conversationRemoteId: ch.name, remove: [victim] });
  }
}

export const membershipHandlers: HandlerTable = { JOIN: onJoin, PART: onPart, QUIT: onQuit, KICK: onKick };
