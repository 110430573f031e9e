/**
 * The chord notation of the key tables and `[keys.bind]`: `C-` Ctrl, `M-` Alt/Meta, `S-` Shift, then a key name; a
 * sequence is chords separated by spaces (`g g`, `d d`).
 */

export interface Chord {
  name: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
}

/** Key names besides single printable characters (what src/ui/key-press.ts produces). */
export const KEY_NAMES = [
  'up',
  'down',
  'left',
  'right',
  'pageup',
  'pagedown',
  'home',
  'end',
  'return',
  'escape',
  'tab',
  'backspace',
  'delete',
  'f1',
  'wheelup',
  'wheeldown',
] as const;

/** Splits the modifiers off one chord. Never throws; see {@link chordProblem} for validation. */
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
  // Terminals report Ctrl/Alt letters without case (key-press.ts lowercases them), so C-P means C-p.
  c.name = (c.ctrl || c.meta) && rest.length === 1 ? rest.toLowerCase() : rest;
  return c;
}

/** The chords of a key spec (`"g g"` → two chords). */
export function parseKeySpec(spec: string): Chord[] {
  return spec.trim().split(/\s+/).map(parseChord);
}

/** Why a key spec cannot be used, or undefined when it can. */
export function chordProblem(spec: string): string | undefined {
  const parts = spec.trim().split(/\s+/);
  if (spec.trim() === '') return 'is empty';
  for (const part of parts) {
    const name = parseChord(part).name;
    if ([...name].length === 1 && name.codePointAt(0)! > 0x20) continue;
    if ((KEY_NAMES as readonly string[]).includes(name)) continue;
    return `cannot read the key '${part}'`;
  }
  return undefined;
}

/** The same chord sequence, written one canonical way (for comparing bindings). */
export function canonicalSpec(spec: string): string {
  return parseKeySpec(spec)
    .map((c) => `${c.ctrl ? 'C-' : ''}${c.meta ? 'M-' : ''}${c.shift ? 'S-' : ''}${c.name}`)
    .join(' ');
}

/** How to write a chord, for error messages. */
export const CHORD_HELP =
  'write a key like "C-p" (Ctrl), "M-x" (Alt), "S-tab", "?", "f1", one of ' +
  `${KEY_NAMES.join(', ')}, or a sequence such as "g g"`;
