import type { CommandDef } from './command-def.js';
import { knownAccount, requireConversation, usageError } from './args.js';

/**
 * `/search <words> [--from <nick>] [--here] [--account <name>]`: full-text search over stored messages. `--here`
 * limits it to the focused conversation. Options may stand anywhere; `--` ends them (to search for "--here").
 */
export const search: CommandDef = {
  name: 'search',
  aliases: [],
  usage: '/search <words> [--from <nick>] [--here] [--account <name>]',
  summary: 'Search stored messages (--here: only this conversation)',
  parse(args, ctx) {
    const tokens = args.split(/\s+/).filter((w) => w !== '');
    const terms: string[] = [];
    let sender: string | undefined;
    let accountId: string | undefined;
    let here = false;
    let optionsEnded = false;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (optionsEnded || !token.startsWith('--')) {
        terms.push(token);
        continue;
      }
      const eq = token.indexOf('=');
      const option = eq === -1 ? token : token.slice(0, eq);
      const inline = eq === -1 ? undefined : token.slice(eq + 1);
      const value = (): string => {
        const v = inline ?? tokens[++i];
        if (v === undefined || v === '') throw usageError(search, `${option} needs a value`);
        return v;
      };
      if (token === '--') optionsEnded = true;
      else if (option === '--from') sender = value();
      else if (option === '--account') accountId = knownAccount(value(), ctx);
      else if (token === '--here') here = true;
      else throw usageError(search, `/search has no option ${option}`);
    }
    if (terms.length === 0) throw usageError(search, '/search needs words');
    const conversationId = here
      ? requireConversation(ctx, `/search --here needs an open conversation: ${search.usage}`)
      : undefined;
    return {
      type: 'search',
      query: terms.join(' '),
      ...(conversationId !== undefined && { conversationId }),
      ...(sender !== undefined && { sender }),
      ...(accountId !== undefined && { accountId }),
    };
  },
};
