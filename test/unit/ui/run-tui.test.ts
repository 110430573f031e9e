import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { runTui } from '../../../src/ui/run-tui.js';
import { mouseOff, mouseOn } from '../../../src/ui/terminal-input.js';
import { sampleEngine } from './fake-engine.js';

class TtyOut extends EventEmitter {
  isTTY = true;
  columns = 100;
  rows = 30;
  data = '';
  write = (chunk: string, cb?: unknown): boolean => {
    this.data += chunk;
    if (typeof cb === 'function') setImmediate(cb as () => void);
    return true;
  };
}

test('runTui enters the alternate screen with wheel reporting, quits on Ctrl-Q, and restores the terminal', async () => {
  const engine = sampleEngine();
  const stdout = new TtyOut();
  const stdin = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (m: boolean) => void; raw: boolean[] };
  stdin.isTTY = true;
  stdin.raw = [];
  stdin.setRawMode = (m) => void stdin.raw.push(m);
  const done = runTui(engine, { stdin, stdout: stdout as unknown as NodeJS.WriteStream });
  const deadline = Date.now() + 5000;
  while (!stdout.data.includes('#natter')) {
    if (Date.now() > deadline) throw new Error(`no frame: ${JSON.stringify(stdout.data.slice(0, 200))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(stdout.data.startsWith(mouseOn), 'wheel reporting is switched on first');
  assert.ok(stdout.data.includes('\x1b[?1049h'), 'alternate screen');
  assert.deepEqual(stdin.raw.slice(0, 1), [true], 'raw mode on the real terminal');
  stdin.write('\x11'); // Ctrl-Q
  await done;
  assert.deepEqual(engine.dispatched.at(-1), { type: 'quit' });
  assert.ok(stdout.data.endsWith(mouseOff), 'wheel reporting is switched off last');
  assert.ok(stdout.data.includes('\x1b[?1049l'), 'the primary screen is back');
  assert.ok(stdin.isPaused(), 'the terminal input is released so the process can exit');
});
