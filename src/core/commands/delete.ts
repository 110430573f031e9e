import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';
import { requireConversation, usageError } from './args.js';

/** `/delete` (`/retract`): retract the selected own message, else the own last message here, for everyone. */
export const deleteCommand: CommandDef = {
  name: 'delete',
  aliases: ['retract'],
  usage: '/delete',
  summary: 'Delete your selected message for everyone (else your last one here)',
  parse(args, ctx) {
    const conversationId = requireConversation(ctx, 'no conversation is open: use /join or /query');
    if (ctx.conversationKind === 'server') throw new CommandError('/delete works in a channel or a direct conversation');
    if (args.trim() !== '') throw usageError(deleteCommand, '/delete takes no arguments (select a message with Up first)');
    const action = { type: 'retract' as const, conversationId };
    return ctx.selectedMessageId === undefined ? action : { ...action, messageId: ctx.selectedMessageId };
  },
};
