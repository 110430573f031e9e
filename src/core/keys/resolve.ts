/**
 * Which binding a key press (or a sequence of them, for `g g`) triggers, given where the UI's focus is. Scopes are
 * searched in a fixed order per mode, so a chord in an earlier scope shadows the same chord in a later one.
 */
import { parseKeySpec, type Chord } from './chord.js';
import type { Binding, KeyScope, KeyState } from './key-bindings.js';

/** The parts of a key press the tables match on (src/ui/key-press.ts builds them). */
export interface PressLike {
  name: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
}

/** A full match, or a prefix of a sequence (wait for the next press), or nothing (the press is text). */
export type Resolution = { kind: 'binding'; binding: Binding } | { kind: 'prefix' } | undefined;

/** The scope search order of each mode; two scopes in one list can shadow each other. */
export const MODE_SCOPES = {
  overlay: ['overlay', 'global'],
  confirm: ['global', 'confirm'],
  picker: ['global', 'picker'],
  cmdline: ['global', 'cmdline', 'composer'],
  vimSelection: ['global', 'selection', 'normal', 'chat'],
  vimNormal: ['global', 'normal', 'chat'],
  selection: ['global', 'selection', 'chat'],
  normal: ['global', 'chat', 'composer'],
} as const satisfies Record<string, readonly KeyScope[]>;

/** The scopes searched for this state, in order. */
export function scopesFor(state: KeyState): readonly KeyScope[] {
  if (state.overlayOpen) return MODE_SCOPES.overlay;
  if (state.confirming) return MODE_SCOPES.confirm;
  if (state.picking) return MODE_SCOPES.picker;
  if (state.vimMode === 'command') return MODE_SCOPES.cmdline;
  if (state.vimMode === 'normal') return state.selecting ? MODE_SCOPES.vimSelection : MODE_SCOPES.vimNormal;
  if (state.selecting) return MODE_SCOPES.selection;
  return MODE_SCOPES.normal;
}

function matches(chord: Chord, press: PressLike): boolean {
  const name = press.ctrl || press.meta ? press.name.toLowerCase() : press.name;
  if (chord.name !== name || chord.ctrl !== press.ctrl || chord.meta !== press.meta) return false;
  return !chord.shift || press.shift;
}

/**
 * Resolves the presses so far (earlier ones were prefixes) in the first scope where any binding matches them, fully
 * (that binding) or as the start of a longer sequence (`prefix`).
 */
export function resolveKeys(presses: readonly PressLike[], state: KeyState, bindings: readonly Binding[]): Resolution {
  for (const scope of scopesFor(state)) {
    let prefix = false;
    for (const b of bindings) {
      if (b.scope !== scope) continue;
      if (b.whenComposerEmpty && !state.composerEmpty) continue;
      for (const k of b.keys) {
        const chords = parseKeySpec(k);
        if (chords.length < presses.length || !presses.every((p, i) => matches(chords[i]!, p))) continue;
        if (chords.length === presses.length) return { kind: 'binding', binding: b };
        prefix = true;
      }
    }
    if (prefix) return { kind: 'prefix' };
  }
  return undefined;
}
