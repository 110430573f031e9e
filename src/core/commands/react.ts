import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';
import { requireConversation, usageError, words } from './args.js';
import { expandShortcode } from './shortcodes.js';

/**
 * `/react <emoji or :shortcode:>`: toggle the own reaction on the selected message, else on the last message from
 * someone else (a second /react with the same emoji takes it back).
 */
export const react: CommandDef = {
  name: 'react',
  aliases: [],
  usage: '/react <emoji or :shortcode:>',
  summary: 'Toggle a reaction on the selected message (else the last one from someone else)',
  parse(args, ctx) {
    const conversationId = requireConversation(ctx, 'no conversation is open: use /join or /query');
    if (ctx.conversationKind === 'server') throw new CommandError('/react works in a channel or a direct conversation');
    const w = words(args);
    if (w.length === 0) throw usageError(react, '/react needs an emoji');
    if (w.length > 1) throw usageError(react, '/react takes one emoji');
    const { key, unknown } = expandShortcode(w[0]!);
    if (unknown !== undefined) throw new CommandError(`no emoji called :${unknown}: — type the emoji itself, or e.g. :thumbsup: :heart: :joy: :tada:`);
    const action = { type: 'react' as const, conversationId, key };
    return ctx.selectedMessageId === undefined ? action : { ...action, messageId: ctx.selectedMessageId };
  },
};
