import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatChord, formatKeys, keymap, parseChord, resolveBinding } from '../../../src/ui/keymap.js';
import type { KeyPress } from '../../../src/ui/key-press.js';

const press = (chord: string): KeyPress => {
  const c = parseChord(chord);
  return { ...c, text: '' };
};

test('every chord of every binding resolves to that binding in its scope (no shadowing)', () => {
  for (const b of keymap) {
    for (const k of b.keys) {
      const got = resolveBinding(press(k), {
        overlayOpen: b.scope === 'overlay',
        // Composer keys act on text; bindings that ask for an empty composer get one.
        composerEmpty: b.whenComposerEmpty === true || b.scope !== 'composer',
        selecting: b.scope === 'selection',
        picking: b.scope === 'picker',
        confirming: b.scope === 'confirm',
      });
      assert.equal(got?.command, b.command, `${k} in ${b.scope}`);
    }
  }
});

test('? opens help only when the composer is empty', () => {
  const q: KeyPress = { name: '?', ctrl: false, meta: false, shift: false, text: '?' };
  assert.equal(resolveBinding(q, { overlayOpen: false, composerEmpty: true })?.command, 'help');
  assert.equal(resolveBinding(q, { overlayOpen: false, composerEmpty: false }), undefined);
});

test('in an overlay, Up is the overlay\'s and Ctrl-Q still quits', () => {
  assert.equal(resolveBinding(press('up'), { overlayOpen: true, composerEmpty: true })?.command, 'overlay-up');
  assert.equal(resolveBinding(press('C-q'), { overlayOpen: true, composerEmpty: true })?.command, 'quit');
  assert.equal(resolveBinding(press('up'), { overlayOpen: false, composerEmpty: false })?.command, 'history-prev');
});

test('Up in an empty composer selects a message; in a selection Up/Down move, r e d + act, Esc leaves', () => {
  const empty = { overlayOpen: false, composerEmpty: true };
  assert.equal(resolveBinding(press('up'), empty)?.command, 'select-message');
  assert.equal(resolveBinding(press('C-up'), empty)?.command, 'history-prev', 'input history stays on Ctrl-Up');
  const sel = { ...empty, selecting: true };
  const text = (t: string): KeyPress => ({ name: t, ctrl: false, meta: false, shift: false, text: t });
  assert.equal(resolveBinding(press('up'), sel)?.command, 'select-older');
  assert.equal(resolveBinding(press('down'), sel)?.command, 'select-newer');
  assert.equal(resolveBinding(press('escape'), sel)?.command, 'select-leave');
  assert.equal(resolveBinding(text('r'), sel)?.command, 'select-reply');
  assert.equal(resolveBinding(text('e'), sel)?.command, 'select-edit');
  assert.equal(resolveBinding(text('d'), sel)?.command, 'select-delete');
  assert.equal(resolveBinding(text('+'), sel)?.command, 'select-react');
  assert.equal(resolveBinding(text('x'), sel), undefined, 'other letters are text');
  assert.equal(resolveBinding(press('pageup'), sel)?.command, 'page-up', 'the timeline still scrolls');
  assert.equal(resolveBinding(text('3'), { ...sel, picking: true })?.command, 'pick-reaction');
  assert.equal(resolveBinding(text('y'), { ...sel, confirming: true })?.command, 'confirm-yes');
  assert.equal(resolveBinding(press('escape'), { ...empty, composerEmpty: false })?.command, 'compose-cancel');
});

test('chords print the way the help shows them', () => {
  assert.equal(formatChord('C-k'), 'Ctrl-K');
  assert.equal(formatChord('M-up'), 'Alt-Up');
  assert.equal(formatChord('M-return'), 'Alt-Enter');
  assert.equal(formatChord('f1'), 'F1');
  assert.equal(formatChord('pageup'), 'PgUp');
  assert.equal(formatKeys(keymap.find((b) => b.command === 'jump-conversation')!), 'Alt-1…9');
});
