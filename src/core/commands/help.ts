import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';
import { usageError, words } from './args.js';

/**
 * `/help [command]`: the help screen, or one command's entry. Built by the registry with its lookup (a factory rather
 * than an import, which would make an import cycle between this file and registry.ts).
 */
export function helpCommand(find: (name: string) => CommandDef | undefined): CommandDef {
  const help: CommandDef = {
    name: 'help',
    aliases: ['?'],
    usage: '/help [command]',
    summary: 'List commands, or explain one',
    parse(args) {
      const [name, ...extra] = words(args);
      if (extra.length > 0) throw usageError(help, '/help takes one command name');
      if (name === undefined) return { type: 'help' };
      const bare = name.replace(/^\//, '').toLowerCase();
      const def = find(bare);
      if (def === undefined) throw new CommandError(`no command /${bare}; /help lists commands`);
      return { type: 'help', command: def.name };
    },
  };
  return help;
}
