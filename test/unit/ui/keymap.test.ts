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
      const got = resolveBinding(press(k), { overlayOpen: b.scope === 'overlay', composerEmpty: true });
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
  assert.equal(resolveBinding(press('up'), { overlayOpen: false, composerEmpty: true })?.command, 'history-prev');
});

test('chords print the way the help shows them', () => {
  assert.equal(formatChord('C-k'), 'Ctrl-K');
  assert.equal(formatChord('M-up'), 'Alt-Up');
  assert.equal(formatChord('M-return'), 'Alt-Enter');
  assert.equal(formatChord('f1'), 'F1');
  assert.equal(formatChord('pageup'), 'PgUp');
  assert.equal(formatKeys(keymap.find((b) => b.command === 'jump-conversation')!), 'Alt-1…9');
});
