import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';
import { firstWord, looksLikeChannel } from './args.js';

/**
 * `/part [reason]`: leave the focused channel or room. In a direct conversation there is nothing to leave, so it closes
 * the conversation. Naming the focused channel first (`/part #natter bye`) is accepted; naming another one is refused
 * rather than leaving the focused channel with "#other" as the reason.
 */
export const part: CommandDef = {
  name: 'part',
  aliases: ['leave'],
  usage: '/part [reason]',
  summary: 'Leave the current channel or room (closes a direct conversation)',
  parse(args, ctx) {
    const conversationId = ctx.conversationId;
    if (conversationId === undefined || ctx.conversationKind === 'server') {
      throw new CommandError('/part works in a channel or room');
    }
    if (ctx.conversationKind === 'direct') return { type: 'close', conversationId };
    let reason = args.trim();
    const { word, rest } = firstWord(reason);
    if (word !== undefined && looksLikeChannel(word)) {
      if (ctx.conversationRemoteId === undefined || word.toLowerCase() !== ctx.conversationRemoteId.toLowerCase()) {
        throw new CommandError(`/part leaves the current conversation; switch to ${word} first: ${part.usage}`);
      }
      reason = rest.trim();
    }
    return reason === '' ? { type: 'part', conversationId } : { type: 'part', conversationId, reason };
  },
};
