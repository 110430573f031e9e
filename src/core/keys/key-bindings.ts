/**
 * The key binding tables of the TUI as plain data, headless so the config loader can check `[keys.bind]` against them
 * (src/ui/keymap.ts resolves presses with them and the help overlay prints them). Two keymaps: `default`
 * (emacs/readline-like) and `vim` (the default's bindings plus a normal mode for the composer, see {@link vimBindings}).
 */
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
  | 'toggle-group'
  | 'members'
  | 'inbox'
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
  | 'confirm-no'
  | 'half-page-up'
  | 'half-page-down'
  | 'vim-insert'
  | 'vim-append'
  | 'vim-append-end'
  | 'vim-insert-start'
  | 'vim-normal'
  | 'vim-command'
  | 'vim-search'
  | 'vim-clear-line'
  | 'command-run'
  | 'command-cancel';

/**
 * Where a binding applies: `global` always; `chat` and `composer` when no overlay is open (chat first); `overlay` only
 * while an overlay (switcher, help, search results) is open; `selection` while a message is selected in the timeline
 * (before `chat`); `picker` while the reaction picker is open and `confirm` while a deletion waits for y/n (only
 * `global` besides them).
 */
export type KeyScope =
  | 'global'
  | 'chat'
  | 'composer'
  | 'overlay'
  | 'selection'
  | 'picker'
  | 'confirm'
  /** vim keymap: the composer in normal mode (before `selection` and `chat`). */
  | 'normal'
  /** vim keymap: the `:` command line (only `global` besides it). */
  | 'cmdline';

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
  /** vim keymap only: the composer's mode (`command`: the `:` or `/` line is open). */
  vimMode?: VimMode;
}

/** The composer's modes in the vim keymap. */
export type VimMode = 'insert' | 'normal' | 'command';

export interface Binding {
  command: KeyCommand;
  /**
   * Chords: `C-` Ctrl, `M-` Alt/Meta, `S-` Shift, then a key name (see KeyPress.name); a sequence is chords separated
   * by spaces (`g g`).
   */
  keys: readonly string[];
  scope: KeyScope;
  /** Only when the composer holds no text (so `?` can still be typed into a message). */
  whenComposerEmpty?: boolean;
  description: string;
}

const digits = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The default (emacs/readline-like) keymap. */
export const defaultBindings: readonly Binding[] = [
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
  {
    command: 'toggle-group',
    keys: ['M-g'],
    scope: 'chat',
    description: "Collapse/expand this conversation's space or group",
  },
  { command: 'members', keys: ['M-m'], scope: 'chat', description: 'Who is here: members by role, away status' },
  { command: 'inbox', keys: ['M-u'], scope: 'global', description: 'Inbox: all unread and mentions across accounts (/inbox)' },
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


/** The two keymaps that ship; config `[keys] keymap`. */
export const KEYMAP_NAMES = ['default', 'vim'] as const;
export type KeymapName = (typeof KEYMAP_NAMES)[number];

/** What the vim keymap adds: a normal mode for the composer and the `:` / `/` command line. */
const vimExtra: readonly Binding[] = [
  { command: 'vim-normal', keys: ['escape'], scope: 'composer', description: 'Normal mode' },
  { command: 'vim-insert', keys: ['i'], scope: 'normal', description: 'Insert mode at the cursor' },
  { command: 'vim-append', keys: ['a'], scope: 'normal', description: 'Insert mode after the cursor' },
  { command: 'vim-append-end', keys: ['A'], scope: 'normal', description: 'Insert mode at the end of the line' },
  { command: 'vim-insert-start', keys: ['I'], scope: 'normal', description: 'Insert mode at the start of the line' },
  { command: 'select-message', keys: ['k'], scope: 'normal', description: 'Select the newest message (then j/k move)' },
  { command: 'oldest', keys: ['g g'], scope: 'normal', description: 'Oldest message (then asks the server for more)' },
  { command: 'newest', keys: ['G'], scope: 'normal', description: 'Newest message; follow new ones' },
  { command: 'half-page-down', keys: ['C-d'], scope: 'normal', description: 'Scroll down half a page' },
  { command: 'half-page-up', keys: ['C-u'], scope: 'normal', description: 'Scroll up half a page' },
  { command: 'vim-search', keys: ['/'], scope: 'normal', description: 'Search the messages (/search)' },
  { command: 'vim-command', keys: [':'], scope: 'normal', description: 'Command line: :q quits, :join #x runs /join' },
  { command: 'vim-clear-line', keys: ['d d'], scope: 'normal', description: 'Clear the composer line' },
  { command: 'cursor-left', keys: ['h'], scope: 'normal', description: 'Cursor left' },
  { command: 'cursor-right', keys: ['l'], scope: 'normal', description: 'Cursor right' },
  { command: 'line-start', keys: ['0'], scope: 'normal', description: 'Start of line' },
  { command: 'line-end', keys: ['$'], scope: 'normal', description: 'End of line' },
  { command: 'delete-forward', keys: ['x'], scope: 'normal', description: 'Delete at the cursor' },
  { command: 'send', keys: ['return'], scope: 'normal', description: 'Send the message or run the /command' },
  { command: 'compose-cancel', keys: ['escape'], scope: 'normal', description: 'Stop replying or editing' },
  { command: 'command-run', keys: ['return'], scope: 'cmdline', description: 'Run the command line' },
  { command: 'command-cancel', keys: ['escape'], scope: 'cmdline', description: 'Close the command line' },
];

/**
 * The vim keymap: the default bindings (Esc in the composer goes to normal mode instead of cancelling a reply, which
 * Esc in normal mode does) plus {@link vimExtra}. Insert mode behaves like the default keymap.
 */
export const vimBindings: readonly Binding[] = [
  ...defaultBindings.filter((b) => !(b.command === 'compose-cancel' && b.scope === 'composer')),
  ...vimExtra,
];

/** The built-in table of a keymap (before `[keys.bind]` overrides). */
export function baseBindings(name: KeymapName): readonly Binding[] {
  return name === 'vim' ? vimBindings : defaultBindings;
}
