import type { CommandDef } from './command-def.js';
import { pickAccount, takeAccountOption, usageError, words } from './args.js';

/** `/nick [-account <name>] <nick>`: change the own nick (display name) on the account. */
export const nick: CommandDef = {
  name: 'nick',
  aliases: [],
  usage: '/nick [-account <name>] <nick>',
  summary: 'Change your nick on the account',
  parse(args, ctx) {
    const { accountId, rest } = takeAccountOption(nick, args, ctx);
    const [name, ...extra] = words(rest);
    if (name === undefined) throw usageError(nick, '/nick needs a new nick');
    if (extra.length > 0) throw usageError(nick, '/nick takes one word');
    return { type: 'nick', accountId: pickAccount(nick, accountId, ctx), nick: name };
  },
};
