import type { CommandDef } from './command-def.js';
import { firstWord, pickAccount, takeAccountOption, usageError } from './args.js';

/** `/query [-account <name>] <nick> [text]`: open a direct conversation, sending `text` first when given. */
export const query: CommandDef = {
  name: 'query',
  aliases: ['q'],
  usage: '/query [-account <name>] <nick> [text]',
  summary: 'Open a direct conversation (and send text if given)',
  parse(args, ctx) {
    const { accountId, rest } = takeAccountOption(query, args, ctx);
    const { word: address, rest: body } = firstWord(rest);
    if (address === undefined) throw usageError(query, '/query needs a nick');
    const action = { type: 'open' as const, accountId: pickAccount(query, accountId, ctx), address };
    return body.trim() === '' ? action : { ...action, body };
  },
};
