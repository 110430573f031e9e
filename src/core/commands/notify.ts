import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';

const LEVELS = ['all', 'mentions', 'none', 'default'];

/**
 * `/notify all|mentions|none|default`: the notification level of the focused conversation (stored with it; "default"
 * goes back to the account's or the config's level). Carried as the engine-handled protocol action `notify` so it
 * works offline and never reaches an adapter (see dispatch.ts).
 */
export const notify: CommandDef = {
  name: 'notify',
  aliases: [],
  usage: '/notify all|mentions|none|default',
  // Desktop notifications are terminal escape sequences; tmux and screen swallow them unless passthrough is on.
  summary: 'Set when this conversation notifies (bell/desktop; in tmux or screen only with [notifications] passthrough = true)',
  parse(args, ctx) {
    const level = args.trim().toLowerCase();
    if (ctx.conversationId === undefined || ctx.accountId === undefined || ctx.conversationKind === 'server') {
      throw new CommandError(`/notify works in a conversation: ${notify.usage}`);
    }
    if (!LEVELS.includes(level)) throw new CommandError(`usage: ${notify.usage}`);
    return { type: 'protocol', accountId: ctx.accountId, name: 'notify', args: [level], conversationId: ctx.conversationId };
  },
};
