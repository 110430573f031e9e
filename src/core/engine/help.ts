/** Help for /help: the command registry's entries, or one command's. */
import type { HelpEntry } from '../actions.js';
import { CommandError } from '../errors.js';
import { helpEntries } from '../commands/registry.js';

export function helpFor(command?: string): HelpEntry[] {
  const all = helpEntries();
  if (!command) return all;
  const name = command.replace(/^\//, '').toLowerCase();
  const found = all.filter((e) => e.name === name || e.aliases?.includes(name));
  if (found.length === 0) throw new CommandError(`no command /${name}; /help lists them all`);
  return found;
}
