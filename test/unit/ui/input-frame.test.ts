import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { runTui } from '../../../src/ui/run-tui.js';
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

const immediate = () => new Promise<void>((r) => setImmediate(r));

test('a typed key is drawn at once, not after the frame throttle that a just-drawn engine update started', async () => {
  const engine = sampleEngine();
  const stdout = new TtyOut();
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  const done = runTui(engine, { stdin, stdout: stdout as unknown as NodeJS.WriteStream });
  const deadline = Date.now() + 5000;
  while (!stdout.data.includes('#natter')) {
    if (Date.now() > deadline) throw new Error('no first frame');
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 100)); // let the throttle window of the first frames pass

  // An engine update renders on the leading edge and opens a throttle window of 1000/30 ms …
  engine.statusMessage = { level: 'info', text: 'status from the engine', at: Date.now() };
  engine.emit({ status: true });
  const drawn = Date.now();
  while (!stdout.data.includes('status from the engine')) {
    if (Date.now() - drawn > 2000) throw new Error('status never drawn');
    await immediate();
  }
  // … and a key typed inside that window is still drawn right away (within a few turns of the event loop, no timer).
  const typed = performance.now();
  stdin.write('§');
  let turns = 0;
  while (!stdout.data.slice(stdout.data.lastIndexOf('status from the engine')).includes('§') && turns < 20) {
    turns++;
    await immediate();
  }
  const elapsed = performance.now() - typed;
  assert.ok(turns < 20, `the key frame waited for the throttle (${elapsed.toFixed(1)} ms)`);

  stdin.write('\x11'); // Ctrl-Q
  await done;
});
