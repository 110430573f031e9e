import type { CommandDef } from './command-def.js';
import { firstWord, pickAccount, takeAccountOption, usageError } from './args.js';

/** `/msg [-account <name>] <nick> <text>`: send a direct message, opening the conversation if needed. */
export const msg: CommandDef = {
  name: 'msg',
  aliases: [],
  usage: '/msg [-account <name>] <nick> <text>',
  summary: 'Send a direct message (opens the conversation)',
  parse(args, ctx) {
    const { accountId, rest } = takeAccountOption(msg, args, ctx);
    const { word: address, rest: body } = firstWord(rest);
    if (address === undefined || body.trim() === '') throw usageError(msg, '/msg needs a nick and text');
    return { type: 'open', accountId: pickAccount(msg, accountId, ctx), address, body };
  },
};
