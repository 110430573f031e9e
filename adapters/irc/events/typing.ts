/**
 * TAGMSG (https://ircv3.net/specs/extensions/message-tags#the-tagmsg-tag-only-message): typing notifications
 * (https://ircv3.net/specs/client-tags/typing, `+typing=active|paused|done`; only `active` counts as typing, our own
 * echoed ones are ignored) and reactions (reaction.ts).
 */
import { onReactionTag } from './reaction.js';
import type { HandlerTable } from './types.js';

export const typingHandlers: HandlerTable = {
  TAGMSG: (s, line) => {
    if (onReactionTag(s, line)) return;
    const state = line.tags['+typing'];
    const target = line.params[0];
    if (!state || !target || !line.nick || s.isSelf(line.nick)) return;
    const channel = s.stripStatus(target);
    const conversationRemoteId = s.isChannel(channel) ? (s.channel(channel)?.name ?? channel) : line.nick;
    s.emit({ type: 'typing', conversationRemoteId, senderId: line.nick, senderName: line.nick, active: state === 'active' });
  },
};
