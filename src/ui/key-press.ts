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
  // Pasted text arrives in one piece; keep it whole (line breaks included) for the composer.
  const text = input.replace(/\r\n?/g, '\n');
  return { name: input.length === 1 ? input : 'text', ctrl: false, meta: false, shift: key.shift, text };
}

/** A press that did not come through Ink (see terminal-input.ts). */
export function synthetic(name: string): KeyPress {
  return { name, ctrl: false, meta: false, shift: false, text: '' };
}
