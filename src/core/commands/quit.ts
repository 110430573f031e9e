import type { CommandDef } from './command-def.js';

/** `/quit [reason]`: disconnect every account (with the reason as the quit message) and exit natter. */
export const quit: CommandDef = {
  name: 'quit',
  aliases: ['exit'],
  usage: '/quit [reason]',
  summary: 'Disconnect everything and exit',
  parse(args) {
    const reason = args.trim();
    return reason === '' ? { type: 'quit' } : { type: 'quit', reason };
  },
};
