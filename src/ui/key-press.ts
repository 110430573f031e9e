/**
 * One normalized key press, built from Ink's `useInput` arguments or from the raw-input side channel (F1, mouse wheel).
 * The keymap matches on these, so every binding is written once in one notation.
 */
import type { Key } from 'ink';

export interface KeyPress {
  /** `a`…`z`, `1`, `?`, `up`, `down`, `left`, `right`, `pageup`, `pagedown`, `home`, `end`, `return`, `escape`, `tab`,
   * `backspace`, `delete`, `f1`, `wheelup`, `wheeldown`, or the typed text for printable input. */
  name: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  /** Printable text this press inserts into an input (empty for keys and chords). */
  text: string;
  /** `click` presses (left mouse button, terminal-input.ts): the 1-based column and row of the cell clicked. */
  mouse?: { x: number; y: number };
}

const specials: [keyof Key, string][] = [
  ['upArrow', 'up'],
  ['downArrow', 'down'],
  ['leftArrow', 'left'],
  ['rightArrow', 'right'],
  ['pageUp', 'pageup'],
  ['pageDown', 'pagedown'],
  ['home', 'home'],
  ['end', 'end'],
  ['return', 'return'],
  ['escape', 'escape'],
  ['tab', 'tab'],
  ['backspace', 'backspace'],
  ['delete', 'delete'],
];

/** Normalizes Ink's view of a key press. */
export function fromInk(input: string, key: Key): KeyPress {
  for (const [flag, name] of specials) {
    if (key[flag]) return { name, ctrl: key.ctrl, meta: key.meta, shift: key.shift, text: '' };
  }
  // Ctrl-J arrives as a bare line feed, which Ink reports as plain input.
  if (input === '\n') return { name: 'j', ctrl: true, meta: false, shift: false, text: '' };
  if (key.ctrl) return { name: input.toLowerCase(), ctrl: true, meta: key.meta, shift: key.shift, text: '' };
  if (key.meta) return { name: input.toLowerCase(), ctrl: false, meta: true, shift: key.shift, text: '' };
  return { name: input.length === 1 ? input : 'text', ctrl: false, meta: false, shift: key.shift, text: input };
}

/**
 * Like {@link fromInk}, but splits typed input that arrived in one read: when the program was busy, keys typed
 * meanwhile (`/quit` then Enter) reach Ink as one string. Real pastes come through bracketed paste (usePaste), so a CR
 * inside plain input is an Enter press and LF a Ctrl-J.
 */
export function fromInkAll(input: string, key: Key): KeyPress[] {
  const first = fromInk(input, key);
  if (first.name !== 'text' || !/[\r\n]/.test(input)) return [first];
  const out: KeyPress[] = [];
  for (const part of input.split(/(\r\n?|\n)/)) {
    if (part === '') continue;
    if (part === '\n') out.push({ name: 'j', ctrl: true, meta: false, shift: false, text: '' });
    else if (part.startsWith('\r')) out.push({ name: 'return', ctrl: false, meta: false, shift: false, text: '' });
    else out.push({ name: part.length === 1 ? part : 'text', ctrl: false, meta: false, shift: false, text: part });
  }
  return out;
}

/** A press that did not come through Ink (see terminal-input.ts). */
export function synthetic(name: string): KeyPress {
  return { name, ctrl: false, meta: false, shift: false, text: '' };
}
