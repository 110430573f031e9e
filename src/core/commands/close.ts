import type { CommandDef } from './command-def.js';
import { requireConversation, usageError } from './args.js';

/** `/close`: take the focused conversation out of the sidebar (a new message brings it back). */
export const close: CommandDef = {
  name: 'close',
  aliases: ['wc'],
  usage: '/close',
  summary: 'Close the current conversation (a new message brings it back)',
  parse(args, ctx) {
    const conversationId = requireConversation(ctx, '/close needs an open conversation');
    if (args.trim() !== '') throw usageError(close, '/close takes no arguments');
    return { type: 'close', conversationId };
  },
};
