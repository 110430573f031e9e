import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';
import { requireConversation, usageError } from './args.js';

/** `/me <action>`: send an action ("* alice waves") to the focused conversation; the text is kept as typed. */
export const me: CommandDef = {
  name: 'me',
  aliases: [],
  usage: '/me <action>',
  summary: 'Send an action, shown as "* you <action>"',
  parse(args, ctx) {
    const conversationId = requireConversation(ctx, 'no conversation is open: use /join or /query');
    if (ctx.conversationKind === 'server') throw new CommandError('/me works in a channel or a direct conversation');
    if (args.trim() === '') throw usageError(me, '/me needs text');
    return { type: 'send', conversationId, body: args, kind: 'action' };
  },
};
