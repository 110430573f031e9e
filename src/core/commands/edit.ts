import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';
import { requireConversation, usageError } from './args.js';

/** `/edit <text>`: correct the selected own message, else the own last message here; the new text replaces it. */
export const edit: CommandDef = {
  name: 'edit',
  aliases: [],
  usage: '/edit <text>',
  summary: 'Correct your selected message (else your last one here)',
  parse(args, ctx) {
    const conversationId = requireConversation(ctx, 'no conversation is open: use /join or /query');
    if (ctx.conversationKind === 'server') throw new CommandError('/edit works in a channel or a direct conversation');
    if (args.trim() === '') throw usageError(edit, '/edit needs the new text');
    const action = { type: 'edit' as const, conversationId, body: args };
    return ctx.selectedMessageId === undefined ? action : { ...action, messageId: ctx.selectedMessageId };
  },
};
