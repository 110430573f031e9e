import type { CommandDef } from './command-def.js';
import { pickAccount, takeAccountOption, usageError, words } from './args.js';

/**
 * `/join [-account <name>] <#channel> [key]`: join a channel or room; the address goes to the adapter as typed.
 * Without a channel inside a conversation the account was invited to, it accepts that invitation.
 */
export const join: CommandDef = {
  name: 'join',
  aliases: ['j'],
  usage: '/join [-account <name>] <#channel> [key]',
  summary: 'Join a channel or room (on another account with -account)',
  parse(args, ctx) {
    const { accountId, rest } = takeAccountOption(join, args, ctx);
    const [address, password, ...extra] = words(rest);
    if (address === undefined && ctx.conversationInvited && ctx.conversationRemoteId !== undefined && accountId === undefined) {
      return { type: 'join', accountId: pickAccount(join, undefined, ctx), address: ctx.conversationRemoteId };
    }
    if (address === undefined) throw usageError(join, '/join needs a channel');
    if (extra.length > 0) throw usageError(join, '/join takes one channel and an optional key');
    const action = { type: 'join' as const, accountId: pickAccount(join, accountId, ctx), address };
    return password === undefined ? action : { ...action, password };
  },
};
