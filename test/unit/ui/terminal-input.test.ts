import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { filterTerminalInput, splitInput } from '../../../src/ui/terminal-input.js';
import type { KeyPress } from '../../../src/ui/key-press.js';

test('SGR wheel reports become wheel presses and leave the byte stream', () => {
  const r = splitInput('', 'a\x1b[<64;10;5Mb\x1b[<65;10;5Mc\x1b[<0;3;3M\x1b[<0;3;3m');
  assert.equal(r.pass, 'abc');
  // The left button's press is a click (mouse-click.test.tsx); its release is dropped.
  assert.deepEqual(r.presses.map((p) => p.name), ['wheelup', 'wheeldown', 'click']);
  // Wheel with Ctrl held (bit 16) is still the wheel.
  assert.deepEqual(splitInput('', '\x1b[<80;1;1M').presses.map((p) => p.name), ['wheelup']);
});

test('a mouse report split across reads is held back until complete', () => {
  const a = splitInput('', 'x\x1b[<64;1');
  assert.equal(a.pass, 'x');
  assert.equal(a.presses.length, 0);
  const b = splitInput(a.carry, '0;5My');
  assert.equal(b.pass, 'y');
  assert.deepEqual(b.presses.map((p) => p.name), ['wheelup']);
});

test('F1 in its xterm, vt220 and rxvt forms becomes an f1 press; other keys pass through', () => {
  for (const seq of ['\x1bOP', '\x1b[11~', '\x1b[P']) {
    const r = splitInput('', seq);
    assert.equal(r.pass, '');
    assert.deepEqual(r.presses.map((p) => p.name), ['f1'], JSON.stringify(seq));
  }
  const arrows = splitInput('', '\x1b[A\x1b[5~\x1b');
  assert.equal(arrows.pass, '\x1b[A\x1b[5~\x1b');
  assert.equal(arrows.presses.length, 0);
});

test('the filtered stdin forwards the rest to Ink and raw mode to the terminal', async () => {
  const real = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (m: boolean) => void; modes: boolean[] };
  real.isTTY = true;
  real.modes = [];
  real.setRawMode = (m: boolean) => void real.modes.push(m);
  const f = filterTerminalInput(real);
  const got: KeyPress[] = [];
  f.keys.subscribe((p) => got.push(p));
  (f.stdin as unknown as { setRawMode: (m: boolean) => void }).setRawMode(true);
  assert.deepEqual(real.modes, [true]);
  real.write('hi\x1b[<65;2;2M');
  await new Promise((r) => setImmediate(r));
  assert.equal((f.stdin as PassThrough).read(), 'hi');
  assert.deepEqual(got.map((p) => p.name), ['wheeldown']);
  f.dispose();
});
