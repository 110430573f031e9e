/**
 * IRCv3 typing notifications (https://ircv3.net/specs/client-tags/typing): a TAGMSG carrying the client tag
 * `+typing=active|paused|done`. Only `active` counts as typing; our own echoed TAGMSGs are ignored.
 */
import type { HandlerTable } from './types.js';

export const typingHandlers: HandlerTable = {
  TAGMSG: (s, line) => {
    const state = line.tags['+typing'];
    const target = line.params[0];
    if (!state || !target || !line.nick || s.isSelf(line.nick)) return;
    const channel = s.stripStatus(target);
    const conversationRemoteId = s.isChannel(channel) ? (s.channel(channel)?.name ?? channel) : line.nick;
    s.emit({ type: 'typing', conversationRemoteId, senderId: line.nick, active: state === 'active' });
  },
};
