import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';
import { requireConversation, usageError } from './args.js';

/**
 * `/reply <text>`: answer the message selected in the timeline, else the last message from someone else. The engine
 * sends it with the target's remote id (IRCv3 +draft/reply, XEP-0461, m.in_reply_to, In-Reply-To).
 */
export const reply: CommandDef = {
  name: 'reply',
  aliases: [],
  usage: '/reply <text>',
  summary: 'Reply to the selected message (else the last one from someone else)',
  parse(args, ctx) {
    const conversationId = requireConversation(ctx, 'no conversation is open: use /join or /query');
    if (ctx.conversationKind === 'server') throw new CommandError('/reply works in a channel or a direct conversation');
    if (args.trim() === '') throw usageError(reply, '/reply needs text');
    const action = { type: 'reply' as const, conversationId, body: args };
    return ctx.selectedMessageId === undefined ? action : { ...action, messageId: ctx.selectedMessageId };
  },
};
