import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';
import { requireConversation, usageError } from './args.js';

/**
 * `/upload <path>`: send a file to the focused conversation. The whole argument is the path (so names with spaces
 * need no quotes); `~` is expanded and the file checked by the engine, which reports a missing, unreadable or
 * directory path in plain words.
 */
export const upload: CommandDef = {
  name: 'upload',
  aliases: [],
  usage: '/upload <path>',
  summary: 'Send a file (uploaded where the protocol allows)',
  parse(args, ctx) {
    const conversationId = requireConversation(ctx, 'no conversation is open: use /join or /query');
    if (ctx.conversationKind === 'server') throw new CommandError('/upload works in a channel or a direct conversation');
    const path = args.trim();
    if (path === '') throw usageError(upload, '/upload needs the path of a file');
    return { type: 'upload', conversationId, path };
  },
};
