/**
 * Commands the TUI runs itself (src/ui/Screen.tsx handles them before parsing): they are listed here for the help
 * screen and Tab completion. Parsed anywhere else (no screen), they say so.
 */
import { CommandError } from '../errors.js';
import type { CommandDef } from './command-def.js';

/** `/inbox [mentions]`: the unified inbox across accounts (also Alt-U). */
export const inbox: CommandDef = {
  name: 'inbox',
  aliases: [],
  usage: '/inbox [mentions]',
  summary: 'All unread messages (or mentions) across accounts, newest first; Enter jumps there',
  parse() {
    throw new CommandError('/inbox works in the natter screen');
  },
};

/** `/open [n]`: the last link or attachment of the conversation (n-th from the end) with `[ui] open_command`. */
export const open: CommandDef = {
  name: 'open',
  aliases: [],
  usage: '/open [n]',
  summary: 'Open the last link or attachment here (or the n-th from the end) with [ui] open_command',
  parse() {
    throw new CommandError('/open works in the natter screen');
  },
};

/** `/preview [n]`: the selected message's image, else the last image here (n-th from the end), in an overlay. */
export const preview: CommandDef = {
  name: 'preview',
  aliases: [],
  usage: '/preview [n]',
  summary: 'Show the selected message\'s image, or the last image here (n-th from the end); [ui] images',
  parse() {
    throw new CommandError('/preview works in the natter screen');
  },
};
