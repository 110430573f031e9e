// The keymap tables: default and vim resolve every chord to its binding (no shadowing), sequences wait for their
// second key, [keys.bind] overrides replace an action's keys, and collisions are reported naming both actions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildKeymap, defaultBindings, formatChord, resolveKeys, vimBindings, type Binding, type KeyState } from '../../../src/ui/keymap.js';
import { actionNames } from '../../../src/core/keys/build-keymap.js';
import { parseKeySpec } from '../../../src/core/keys/chord.js';
import type { KeyPress } from '../../../src/ui/key-press.js';

const pressesOf = (spec: string): KeyPress[] => parseKeySpec(spec).map((c) => ({ ...c, text: '' }));
const text = (t: string): KeyPress => ({ name: t, ctrl: false, meta: false, shift: false, text: t });

/** The state in which a binding of this scope is meant to be reached. */
function stateFor(b: Binding, vim: boolean): KeyState {
  return {
    overlayOpen: b.scope === 'overlay',
    composerEmpty: b.whenComposerEmpty === true || b.scope !== 'composer',
    selecting: b.scope === 'selection',
    picking: b.scope === 'picker',
    confirming: b.scope === 'confirm',
    ...(vim ? { vimMode: b.scope === 'normal' ? 'normal' : b.scope === 'cmdline' ? 'command' : 'insert' } : {}),
  };
}

function resolveAll(bindings: readonly Binding[], vim: boolean): void {
  for (const b of bindings) {
    for (const k of b.keys) {
      const presses = pressesOf(k);
      const state = stateFor(b, vim);
      // Every press but the last of a sequence is a prefix.
      for (let i = 1; i < presses.length; i++) assert.equal(resolveKeys(presses.slice(0, i), state, bindings)?.kind, 'prefix', k);
      const got = resolveKeys(presses, state, bindings);
      assert.equal(got?.kind === 'binding' ? got.binding.command : got?.kind, b.command, `${k} in ${b.scope}`);
    }
  }
}

test('default and vim keymaps: every chord resolves to its binding in its scope (no shadowing), and neither has collisions', () => {
  resolveAll(defaultBindings, false);
  resolveAll(vimBindings, true);
  assert.deepEqual(buildKeymap('default').problems, []);
  assert.deepEqual(buildKeymap('vim').problems, []);
});

test('vim: Esc leaves insert mode, i/a/A/I enter it; j/k, gg/G, Ctrl-D/U, /, :, dd in normal mode; text is not bound', () => {
  const insert: KeyState = { overlayOpen: false, composerEmpty: true, vimMode: 'insert' };
  const normal: KeyState = { ...insert, vimMode: 'normal' };
  const cmd = (keys: string, state: KeyState): string | undefined => {
    const r = resolveKeys(pressesOf(keys), state, vimBindings);
    return r?.kind === 'binding' ? r.binding.command : r?.kind;
  };
  assert.equal(cmd('escape', { ...insert, composerEmpty: false }), 'vim-normal');
  assert.equal(resolveKeys([text('k')], insert, vimBindings), undefined, 'k is text in insert mode');
  for (const [k, c] of [['i', 'vim-insert'], ['a', 'vim-append'], ['A', 'vim-append-end'], ['I', 'vim-insert-start'], ['k', 'select-message'],
    ['G', 'newest'], ['C-d', 'half-page-down'], ['C-u', 'half-page-up'], ['/', 'vim-search'], [':', 'vim-command'], ['escape', 'compose-cancel']]) {
    assert.equal(cmd(k!, normal), c, k);
  }
  assert.equal(cmd('g', normal), 'prefix');
  assert.equal(cmd('g g', normal), 'oldest');
  assert.equal(cmd('d d', { ...normal, composerEmpty: false }), 'vim-clear-line');
  // With a message selected, j/k move it and r/e/d/+ act on it as in the default keymap.
  const sel = { ...normal, selecting: true };
  for (const [k, c] of [['j', 'select-newer'], ['k', 'select-older'], ['r', 'select-reply'], ['e', 'select-edit'], ['d', 'select-delete'], ['+', 'select-react'], ['escape', 'select-leave']]) {
    assert.equal(cmd(k!, sel), c, `${k} on a selection`);
  }
  assert.equal(cmd('G', sel), 'newest');
  assert.equal(resolveKeys([text('z')], normal, vimBindings), undefined);
  // The command line: Enter runs, Esc closes, Backspace edits.
  const line: KeyState = { ...insert, vimMode: 'command' };
  assert.equal(cmd('return', line), 'command-run');
  assert.equal(cmd('escape', line), 'command-cancel');
  assert.equal(cmd('backspace', line), 'delete-back');
  assert.equal(cmd('C-q', line), 'quit');
});

test('[keys.bind]: an override replaces the action\'s keys and takes the chord from the bindings it would shadow', () => {
  const { bindings, problems } = buildKeymap('default', { switcher: 'C-p', quit: ['C-x', 'M-q'] });
  assert.deepEqual(problems, []);
  const cmd = (k: string, state: KeyState = { overlayOpen: false, composerEmpty: true }) => {
    const r = resolveKeys(pressesOf(k), state, bindings);
    return r?.kind === 'binding' ? r.binding.command : r?.kind;
  };
  assert.equal(cmd('C-p'), 'switcher');
  assert.equal(cmd('C-k'), undefined, 'the old key is free');
  assert.equal(cmd('M-up'), 'prev-conversation', 'prev-conversation keeps its other key');
  assert.equal(cmd('C-x'), 'quit');
  assert.equal(cmd('M-q'), 'quit');
  assert.equal(cmd('C-q'), undefined);
  assert.equal(cmd('C-p', { overlayOpen: true, composerEmpty: true }), 'switcher', 'global beats the overlay now');
  resolveAll(bindings, false);
  // Upper-case Ctrl letters mean the same chord; an empty list unbinds.
  assert.equal(resolveKeys(pressesOf('C-k'), { overlayOpen: false, composerEmpty: true }, buildKeymap('default', { members: 'C-K', switcher: [] }).bindings)?.kind, 'binding');
  assert.ok(!buildKeymap('default', { switcher: [] }).bindings.some((b) => b.command === 'switcher'));
  // vim: sequences can be bound too.
  const vim = buildKeymap('vim', { 'vim-clear-line': 'c c' });
  assert.deepEqual(vim.problems, []);
  const r = resolveKeys(pressesOf('c c'), { overlayOpen: false, composerEmpty: false, vimMode: 'normal' }, vim.bindings);
  assert.equal(r?.kind === 'binding' && r.binding.command, 'vim-clear-line');
});

test('[keys.bind] problems: unknown action (with the valid names), unreadable key, a chord twice in one scope naming both', () => {
  let p = buildKeymap('default', { swticher: 'C-p' }).problems;
  assert.equal(p.length, 1);
  assert.equal(p[0]!.action, 'swticher');
  assert.match(p[0]!.message, /unknown action 'swticher'; valid actions: quit, switcher, help/);
  assert.ok(!p[0]!.message.includes('vim-normal'), 'vim actions are not valid in the default keymap');
  assert.match(buildKeymap('vim', { nope: 'x' }).problems[0]!.message, /vim-normal/);
  p = buildKeymap('default', { switcher: 'Ctrl+P' }).problems;
  assert.match(p[0]!.message, /^'Ctrl\+P' cannot read the key 'Ctrl\+P': write a key like "C-p"/);
  assert.match(buildKeymap('default', { switcher: '' }).problems[0]!.message, /is empty/);
  p = buildKeymap('default', { quit: 'C-k' }).problems;
  assert.equal(p.length, 1);
  assert.equal(p[0]!.action, 'quit');
  assert.match(p[0]!.message, /'C-k' is bound twice in the global keys: (quit and switcher|switcher and quit)/);
  p = buildKeymap('vim', { 'vim-insert': 'g' }).problems;
  assert.match(p[0]!.message, /collide in the normal keys: .*vim-insert.*oldest|collide in the normal keys: .*oldest.*vim-insert/);
  assert.ok(actionNames('default').includes('switcher'));
});

test('help notation: sequences and vim letters read as typed', () => {
  assert.equal(formatChord('g g'), 'gg');
  assert.equal(formatChord('G'), 'G');
  assert.equal(formatChord('C-d'), 'Ctrl-D');
});
