import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';
import { requireConversation } from './args.js';

/** `/decline`: refuse the invitation into the focused conversation (`/join` there accepts it). */
export const decline: CommandDef = {
  name: 'decline',
  aliases: [],
  usage: '/decline',
  summary: 'Refuse the invitation of this conversation (/join accepts it)',
  parse(_args, ctx) {
    const conversationId = requireConversation(ctx, '/decline works in a conversation you were invited to');
    if (!ctx.conversationInvited) throw new CommandError('there is no invitation to decline here');
    return { type: 'decline', conversationId };
  },
};
