import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';
import { firstWord, knownAccount } from './args.js';

/**
 * `/disconnect [account [reason]]`: disconnect the named account, else the focused one. The first word must name an
 * account, so a typo cannot disconnect the focused account with the typo as the reason.
 */
export const disconnect: CommandDef = {
  name: 'disconnect',
  aliases: [],
  usage: '/disconnect [account [reason]]',
  summary: 'Disconnect an account (the current one without an argument)',
  parse(args, ctx) {
    const { word, rest } = firstWord(args);
    if (word === undefined) {
      if (ctx.accountId === undefined) {
        throw new CommandError(`/disconnect needs an account: ${disconnect.usage}`);
      }
      return { type: 'disconnect', accountId: ctx.accountId };
    }
    const accountId = knownAccount(word, ctx);
    const reason = rest.trim();
    return reason === '' ? { type: 'disconnect', accountId } : { type: 'disconnect', accountId, reason };
  },
};
