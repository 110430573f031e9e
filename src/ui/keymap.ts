/**
 * The key bindings of the TUI: the tables live in src/core/keys (headless, so the config loader can check
 * `[keys.bind]`); the App's key router resolves presses through {@link resolveBinding} / resolveKeys and the help
 * overlay prints the active table, so the help text cannot drift from what the keys do.
 */
import type { KeyPress } from './key-press.js';
import { defaultBindings, type Binding, type KeyState } from '../core/keys/key-bindings.js';
import { parseChord, parseKeySpec } from '../core/keys/chord.js';
import { resolveKeys } from '../core/keys/resolve.js';

export type { Binding, KeyCommand, KeyScope, KeyState, KeymapName, VimMode } from '../core/keys/key-bindings.js';
export { defaultBindings, vimBindings } from '../core/keys/key-bindings.js';
export { parseChord } from '../core/keys/chord.js';
export { buildKeymap } from '../core/keys/build-keymap.js';
export { resolveKeys, type Resolution } from '../core/keys/resolve.js';

/** The default keymap (emacs/readline-like). */
export const keymap: readonly Binding[] = defaultBindings;

/** The single-press binding a press triggers, or undefined (then the press is text for the focused input). */
export function resolveBinding(press: KeyPress, state: KeyState, bindings: readonly Binding[] = keymap): Binding | undefined {
  const r = resolveKeys([press], state, bindings);
  return r?.kind === 'binding' ? r.binding : undefined;
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

/** Human notation for a chord: `C-k` → `Ctrl-K`, `M-up` → `Alt-Up`, `f1` → `F1`; sequences: `g g` → `gg`. */
export function formatChord(chord: string): string {
  const seq = parseKeySpec(chord);
  if (seq.length > 1) return seq.map((_, i) => formatChord(chord.trim().split(/\s+/)[i]!)).join('');
  const c = parseChord(chord);
  // Ctrl and Alt letters read best in capitals (Ctrl-K); a bare letter is what you type (vim's k and G differ).
  const plainKey = !c.ctrl && !c.meta && c.name.length === 1;
  const key = names[c.name] ?? (plainKey ? c.name : c.name.toUpperCase());
  return `${c.ctrl ? 'Ctrl-' : ''}${c.meta ? 'Alt-' : ''}${c.shift ? 'Shift-' : ''}${key}`;
}

/** The keys of a binding for the help overlay; runs of digits collapse to `Alt-1…9`. */
export function formatKeys(b: Binding): string {
  if (b.command === 'jump-conversation') return 'Alt-1…9';
  if (b.command === 'pick-reaction') return '1…6';
  return b.keys.map(formatChord).join(', ');
}
