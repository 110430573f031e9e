/**
 * The notification watcher inside the running App: what reaches the terminal for messages in the visible and in
 * other conversations, with and without terminal focus (focus reports through the side channel).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { App } from '../../../src/ui/App.js';
import { SideKeyChannel } from '../../../src/ui/terminal-input.js';
import type { NotifyOptions } from '../../../src/ui/notification-watcher.js';
import { makeMessage, sampleEngine } from './fake-engine.js';

class Out extends EventEmitter {
  frames: string[] = [];
  columns = 100;
  rows = 30;
  write = (frame: string, cb?: unknown): boolean => {
    if (frame !== '') this.frames.push(frame);
    if (typeof cb === 'function') setImmediate(cb as () => void);
    return true;
  };
}
class In extends EventEmitter {
  isTTY = true;
  read = (): null => null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const press = (name: string) => ({ name, ctrl: false, meta: false, shift: false, text: '' });

test('the running App rings and sends OSC 777 for other conversations, and for the visible one only without focus', async () => {
  const engine = sampleEngine();
  const side = new SideKeyChannel();
  const written: string[] = [];
  const options: NotifyOptions = { level: 'all', keywords: [], dnd: false, private: false, bell: true, desktop: 'osc777', passthrough: false };
  const stdout = new Out();
  const app = render(<App engine={engine} sideKeys={side} notifications={{ options, write: (b) => written.push(b) }} />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: new In() as unknown as NodeJS.ReadStream,
    stderr: new Out() as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    await until(() => (stdout.frames.at(-1) ?? '').includes('message 5'), 'the #natter timeline on screen');
    const live = (conv: string, seq: number, body: string) =>
      makeMessage(conv, seq, { body, senderName: 'carol', sentAt: Date.now(), receivedAt: Date.now() });

    engine.addMessages('c-bob', [live('c-bob', 1, 'psst')]);
    await until(() => written.length === 1, 'a notification for bob');
    assert.deepEqual(written, ['\x07\x1b]777;notify;carol;psst\x1b\\']);

    // The visible conversation in a focused terminal: the user sees it, nothing is written.
    engine.addMessages('c-natter', [live('c-natter', 6, 'seen')]);
    await until(() => (stdout.frames.at(-1) ?? '').includes('seen'), 'the message on screen');
    assert.equal(written.length, 1);

    side.emit(press('focusout'));
    engine.addMessages('c-natter', [live('c-natter', 7, 'while away')]);
    await until(() => written.length === 2, 'a notification after focus was lost');
    assert.equal(written[1], '\x07\x1b]777;notify;carol in #natter;while away\x1b\\');
  } finally {
    app.unmount();
  }
});
