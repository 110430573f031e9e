/**
 * Reactions (https://ircv3.net/specs/client-tags/react): a TAGMSG carrying `+draft/react=<reaction>` and
 * `+draft/reply=<msgid>` of the message reacted to. `+draft/unreact` takes a reaction back (the later revision of the
 * same draft). Our own reactions come back as echoes too; the engine stores them idempotently.
 */
import type { IrcLine, IrcSession } from '../session.js';

/** Emits a reaction update for a TAGMSG that carries one; returns false when the line holds no reaction. */
export function onReactionTag(s: IrcSession, line: IrcLine): boolean {
  const add = line.tags['+draft/react'];
  const remove = line.tags['+draft/unreact'];
  const target = line.tags['+draft/reply'];
  const key = add ?? remove;
  const to = line.params[0];
  if (!key || !target || !to || !line.nick) return false;
  const channel = s.stripStatus(to);
  let conversationRemoteId: string;
  if (s.isChannel(channel)) conversationRemoteId = s.channel(channel)?.name ?? channel;
  // In a query the conversation is the other person: the sender, or the target of our own echoed reaction.
  else conversationRemoteId = s.isSelf(line.nick) ? channel : line.nick;
  s.emit({
    type: 'message.update',
    conversationRemoteId,
    targetRemoteId: target,
    change: { kind: 'reaction', senderId: line.nick, key, add: add !== undefined },
  });
  return true;
}
