/**
 * The list of slash commands natter itself knows. Anything else typed with a slash goes to the account's adapter as a
 * protocol command (see parse-input.ts), so `/whois`, `/mode` and `/raw` need no entry here.
 */
import type { HelpEntry } from '../actions.js';
import type { CommandDef } from './command-def.js';
import { close } from './close.js';
import { connect } from './connect.js';
import { decline } from './decline.js';
import { deleteCommand } from './delete.js';
import { edit } from './edit.js';
import { disconnect } from './disconnect.js';
import { helpCommand } from './help.js';
import { inbox, open, preview } from './screen-commands.js';
import { join } from './join.js';
import { me } from './me.js';
import { msg } from './msg.js';
import { nick } from './nick.js';
import { notify } from './notify.js';
import { part } from './part.js';
import { query } from './query.js';
import { quit } from './quit.js';
import { react } from './react.js';
import { reply } from './reply.js';
import { search } from './search.js';
import { topic } from './topic.js';
import { upload } from './upload.js';

/** Every built-in command, in alphabetical order of name. */
export const commands: readonly CommandDef[] = [
  close,
  connect,
  decline,
  deleteCommand,
  disconnect,
  edit,
  helpCommand(findCommand),
  inbox,
  join,
  me,
  msg,
  nick,
  notify,
  open,
  part,
  preview,
  query,
  quit,
  react,
  reply,
  search,
  topic,
  upload,
];

const byName = new Map<string, CommandDef>();
for (const def of commands) {
  for (const name of [def.name, ...def.aliases]) {
    if (byName.has(name)) throw new Error(`command name /${name} is defined twice`);
    byName.set(name, def);
  }
}

/** The command called `name` (a name or an alias, any case, with or without the leading slash). */
export function findCommand(name: string): CommandDef | undefined {
  return byName.get(name.replace(/^\//, '').toLowerCase());
}

/** Canonical command names (no aliases, no slash), sorted: what Tab completion offers after "/". */
export function commandNames(): string[] {
  return commands.map((c) => c.name);
}

/** One entry per command for the help screen, sorted by name. */
export function helpEntries(): HelpEntry[] {
  return commands.map((c) => ({ name: c.name, usage: c.usage, summary: c.summary, aliases: [...c.aliases] }));
}
