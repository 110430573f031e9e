/**
 * Every key binding of the TUI in one table. The App's key router resolves presses through {@link resolveBinding} and
 * the help overlay prints {@link keymap}, so the help text cannot drift from what the keys do.
 */
import type { KeyPress } from './key-press.js';

export type KeyCommand =
  | 'quit'
  | 'switcher'
  | 'help'
  | 'prev-conversation'
  | 'next-conversation'
  | 'jump-conversation'
  | 'page-up'
  | 'page-down'
  | 'oldest'
  | 'newest'
  | 'scroll-up'
  | 'scroll-down'
  | 'toggle-events'
  | 'members'
  | 'send'
  | 'newline'
  | 'complete'
  | 'history-prev'
  | 'history-next'
  | 'cursor-left'
  | 'cursor-right'
  | 'line-start'
  | 'line-end'
  | 'delete-back'
  | 'delete-forward'
  | 'delete-word'
  | 'kill-line'
  | 'overlay-close'
  | 'overlay-up'
  | 'overlay-down'
  | 'overlay-page-up'
  | 'overlay-page-down'
  | 'overlay-open'
  | 'select-message'
  | 'select-older'
  | 'select-newer'
  | 'select-leave'
  | 'select-reply'
  | 'select-edit'
  | 'select-delete'
  | 'select-react'
  | 'compose-cancel'
  | 'pick-reaction'
  | 'pick-cancel'
  | 'confirm-yes'
  | 'confirm-no';

/**
 * Where a binding applies: `global` always; `chat` and `composer` when no overlay is open (chat first); `overlay` only
 * while an overlay (switcher, help, search results) is open; `selection` while a message is selected in the timeline
 * (before `chat`); `picker` while the reaction picker is open and `confirm` while a deletion waits for y/n (only
 * `global` besides them).
 */
export type KeyScope = 'global' | 'chat' | 'composer' | 'overlay' | 'selection' | 'picker' | 'confirm';

/** Where the UI's focus is, for {@link resolveBinding}. */
export interface KeyState {
  overlayOpen: boolean;
  composerEmpty: boolean;
  /** A message is selected in the timeline. */
  selecting?: boolean;
  /** The reaction picker is open. */
  picking?: boolean;
  /** A deletion waits for y/n. */
  confirming?: boolean;
}

export interface Binding {
  command: KeyCommand;
  /** Chords: `C-` Ctrl, `M-` Alt/Meta, `S-` Shift, then a key name (see KeyPress.name). */
  keys: readonly string[];
  scope: KeyScope;
  /** Only when the composer holds no text (so `?` can still be typed into a message). */
  whenComposerEmpty?: boolean;
  description: string;
}

const digits = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const keymap: readonly Binding[] = [
  { command: 'quit', keys: ['C-q', 'C-c'], scope: 'global', description: 'Quit natter' },
  { command: 'switcher', keys: ['C-k'], scope: 'global', description: 'Switch conversation (type to filter)' },
  { command: 'help', keys: ['f1'], scope: 'global', description: 'Show this help' },
  { command: 'help', keys: ['?'], scope: 'chat', whenComposerEmpty: true, description: 'Show this help (composer empty)' },
  { command: 'prev-conversation', keys: ['M-up', 'C-p'], scope: 'chat', description: 'Previous conversation' },
  { command: 'next-conversation', keys: ['M-down', 'C-n'], scope: 'chat', description: 'Next conversation' },
  {
    command: 'jump-conversation',
    keys: digits.map((d) => `M-${d}`),
    scope: 'chat',
    description: 'Jump to the Nth conversation in the sidebar',
  },
  { command: 'page-up', keys: ['pageup'], scope: 'chat', description: 'Scroll up one page (pages in older messages)' },
  { command: 'page-down', keys: ['pagedown'], scope: 'chat', description: 'Scroll down one page' },
  { command: 'oldest', keys: ['home'], scope: 'chat', description: 'Oldest message (then asks the server for more)' },
  { command: 'newest', keys: ['end'], scope: 'chat', description: 'Newest message; follow new ones' },
  { command: 'scroll-up', keys: ['wheelup'], scope: 'chat', description: 'Scroll up 3 lines' },
  { command: 'scroll-down', keys: ['wheeldown'], scope: 'chat', description: 'Scroll down 3 lines' },
  { command: 'toggle-events', keys: ['M-e'], scope: 'chat', description: 'Expand or collapse join/part lines' },
  { command: 'members', keys: ['M-m'], scope: 'chat', description: 'Who is here: members by role, away status' },
  { command: 'send', keys: ['return'], scope: 'composer', description: 'Send the message or run the /command' },
  { command: 'newline', keys: ['M-return', 'C-j'], scope: 'composer', description: 'Insert a line break' },
  { command: 'complete', keys: ['tab'], scope: 'composer', description: 'Complete nick, /command or #conversation' },
  {
    command: 'select-message',
    keys: ['up'],
    scope: 'chat',
    whenComposerEmpty: true,
    description: 'Select the newest message (composer empty)',
  },
  { command: 'history-prev', keys: ['up', 'C-up'], scope: 'composer', description: 'Line up; on the first line: older input' },
  { command: 'history-next', keys: ['down', 'C-down'], scope: 'composer', description: 'Line down; on the last line: newer input' },
  { command: 'compose-cancel', keys: ['escape'], scope: 'composer', description: 'Stop replying or editing' },
  { command: 'cursor-left', keys: ['left'], scope: 'composer', description: 'Cursor left' },
  { command: 'cursor-right', keys: ['right'], scope: 'composer', description: 'Cursor right' },
  { command: 'line-start', keys: ['C-a'], scope: 'composer', description: 'Start of line' },
  { command: 'line-end', keys: ['C-e'], scope: 'composer', description: 'End of line' },
  { command: 'delete-back', keys: ['backspace'], scope: 'composer', description: 'Delete before the cursor' },
  { command: 'delete-forward', keys: ['delete', 'C-d'], scope: 'composer', description: 'Delete at the cursor' },
  { command: 'delete-word', keys: ['C-w', 'M-backspace'], scope: 'composer', description: 'Delete the word before the cursor' },
  { command: 'kill-line', keys: ['C-u'], scope: 'composer', description: 'Delete to the start of the line' },
  { command: 'overlay-close', keys: ['escape'], scope: 'overlay', description: 'Close the overlay' },
  { command: 'overlay-up', keys: ['up', 'C-p'], scope: 'overlay', description: 'Previous entry' },
  { command: 'overlay-down', keys: ['down', 'C-n'], scope: 'overlay', description: 'Next entry' },
  { command: 'overlay-page-up', keys: ['pageup'], scope: 'overlay', description: 'Page up' },
  { command: 'overlay-page-down', keys: ['pagedown'], scope: 'overlay', description: 'Page down' },
  { command: 'overlay-open', keys: ['return'], scope: 'overlay', description: 'Open the selected entry' },
  { command: 'select-older', keys: ['up', 'k'], scope: 'selection', description: 'Select the older message' },
  { command: 'select-newer', keys: ['down', 'j'], scope: 'selection', description: 'Select the newer message' },
  { command: 'select-leave', keys: ['escape'], scope: 'selection', description: 'Leave the selection' },
  { command: 'select-reply', keys: ['r', 'return'], scope: 'selection', description: 'Reply to the selected message' },
  { command: 'select-edit', keys: ['e'], scope: 'selection', description: 'Edit your selected message' },
  { command: 'select-delete', keys: ['d', 'delete'], scope: 'selection', description: 'Delete your selected message (asks first)' },
  { command: 'select-react', keys: ['+'], scope: 'selection', description: 'React to the selected message (picker)' },
  {
    command: 'pick-reaction',
    keys: ['1', '2', '3', '4', '5', '6'],
    scope: 'picker',
    description: 'Pick that reaction (again: take it back)',
  },
  { command: 'pick-cancel', keys: ['escape'], scope: 'picker', description: 'Close the reaction picker' },
  { command: 'confirm-yes', keys: ['y'], scope: 'confirm', description: 'Yes, delete it' },
  { command: 'confirm-no', keys: ['n', 'escape'], scope: 'confirm', description: 'No, keep it' },
];

interface Chord {
  name: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
}

export function parseChord(chord: string): Chord {
  let rest = chord;
  const c: Chord = { name: '', ctrl: false, meta: false, shift: false };
  for (;;) {
    if (rest.startsWith('C-') && rest.length > 2) c.ctrl = true;
    else if (rest.startsWith('M-') && rest.length > 2) c.meta = true;
    else if (rest.startsWith('S-') && rest.length > 2) c.shift = true;
    else break;
    rest = rest.slice(2);
  }
  c.name = rest;
  return c;
}

function matches(chord: Chord, press: KeyPress): boolean {
  if (chord.name !== press.name || chord.ctrl !== press.ctrl || chord.meta !== press.meta) return false;
  return !chord.shift || press.shift;
}

const scopeOrder: Record<'overlay' | 'normal' | 'selection' | 'picker' | 'confirm', KeyScope[]> = {
  overlay: ['overlay', 'global'],
  normal: ['global', 'chat', 'composer'],
  selection: ['global', 'selection', 'chat'],
  picker: ['global', 'picker'],
  confirm: ['global', 'confirm'],
};

function modeOf(state: KeyState): keyof typeof scopeOrder {
  if (state.overlayOpen) return 'overlay';
  if (state.confirming) return 'confirm';
  if (state.picking) return 'picker';
  if (state.selecting) return 'selection';
  return 'normal';
}

/** The binding a press triggers, or undefined (then the press is text for the focused input). */
export function resolveBinding(press: KeyPress, state: KeyState): Binding | undefined {
  for (const scope of scopeOrder[modeOf(state)]) {
    for (const b of keymap) {
      if (b.scope !== scope) continue;
      if (b.whenComposerEmpty && !state.composerEmpty) continue;
      if (b.keys.some((k) => matches(parseChord(k), press))) return b;
    }
  }
  return undefined;
}

const names: Record<string, string> = {
  up: 'Up',
  down: 'Down',
  left: 'Left',
  right: 'Right',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  return: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  backspace: 'Backspace',
  delete: 'Delete',
  wheelup: 'Wheel up',
  wheeldown: 'Wheel down',
};

/** Human notation for a chord: `C-k` → `Ctrl-K`, `M-up` → `Alt-Up`, `f1` → `F1`. */
export function formatChord(chord: string): string {
  const c = parseChord(chord);
  const key = names[c.name] ?? (c.name.length === 1 ? c.name.toUpperCase() : c.name.toUpperCase());
  return `${c.ctrl ? 'Ctrl-' : ''}${c.meta ? 'Alt-' : ''}${c.shift ? 'Shift-' : ''}${key}`;
}

/** The keys of a binding for the help overlay; runs of digits collapse to `Alt-1…9`. */
export function formatKeys(b: Binding): string {
  if (b.command === 'jump-conversation') return 'Alt-1…9';
  if (b.command === 'pick-reaction') return '1…6';
  return b.keys.map(formatChord).join(', ');
}
