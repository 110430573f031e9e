// The vim keymap in the running TUI: insert/normal modes shown in the prompt, j/k moving the timeline selection,
// gg/G, Ctrl-D/Ctrl-U, dd, the : command line (:q quits, :join runs /join) and / search; the help shows its keys.
import './force-color.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { FakeEngine, makeConversation, makeMessage } from './fake-engine.js';
import { formatKeys, vimBindings } from '../../../src/ui/keymap.js';
import type { Message } from '../../../src/core/model.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

const vim = { keymap: 'vim' as const };

function engineWith(count: number): FakeEngine {
  const e = new FakeEngine();
  e.accountList = [{ id: 'libera', protocol: 'irc', state: 'online', self: 'me' }];
  e.conversationList = [makeConversation('c', 'libera', { title: '#natter', lastReadSeq: count })];
  const msgs: Message[] = [];
  for (let i = 1; i <= count; i++) msgs.push(makeMessage('c', i));
  e.timelines.set('c', msgs);
  return e;
}

const lineWith = (frame: string, text: string) => frame.split('\n').find((l) => plain(l).includes(text)) ?? '';
const inverted = (line: string) => line.includes('\x1b[7m');
const composerLine = (frame: string) => plain(frame).split('\n').at(-2) ?? '';
/** Esc, then waits for normal mode: a key sent right behind a lone Esc would read as Alt+key, as in a terminal. */
async function toNormal(): Promise<void> {
  await r!.press(keys.escape);
  await r!.waitFor((f) => composerLine(f).includes('N›'), 'normal mode');
}
const seqs = (frame: string) => [...plain(frame).matchAll(/message (\d+)\b/g)].map((m) => Number(m[1]));

test('vim: starts in insert mode; Esc shows normal mode and typing does nothing; i/a/A/I go back to insert; dd clears', async () => {
  const engine = engineWith(3);
  r = renderApp(engine, { columns: 100, rows: 20 }, { keys: vim });
  await r.waitFor((f) => f.includes('message 3') && composerLine(f).includes('I› '), 'insert prompt');
  await r.type('hello');
  await r.waitFor((f) => composerLine(f).includes('I› hello'));
  await toNormal();
  await r.waitFor((f) => composerLine(f).includes('N› hello'), 'normal prompt');
  await r.type('zqw');
  await r.press('I');
  await r.waitFor((f) => composerLine(f).includes('I› hello'), 'I: insert mode');
  await r.type('>');
  await r.waitFor((f) => composerLine(f).includes('I› >hello'), 'I inserts at the start; zqw typed nothing');
  await toNormal();
  await r.press('A');
  await r.type('!');
  await r.waitFor((f) => composerLine(f).includes('I› >hello!'), 'A appends at the end');
  await toNormal();
  await r.press('0');
  await r.press('a');
  await r.type('-');
  await r.waitFor((f) => composerLine(f).includes('I› >-hello!'), '0 then a: after the first character');
  await toNormal();
  await r.press('d');
  await r.press('d');
  await r.waitFor((f) => composerLine(f).trimEnd().endsWith('N›'), 'dd cleared the line');
  await r.press('i');
  await r.type('x');
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'send'), 'Enter sends in insert mode');
  assert.equal(engine.dispatched.filter((a) => a.type === 'send').length, 1);
});

test('vim: k selects the newest message, k/j move the selection, r replies in insert mode; G and gg; Ctrl-U/Ctrl-D', async () => {
  const engine = engineWith(60);
  r = renderApp(engine, { columns: 100, rows: 20 }, { keys: vim });
  await r.waitFor((f) => f.includes('message 60'));
  await toNormal();
  await r.press('k');
  await r.waitFor((f) => inverted(lineWith(f, 'message 60')), 'k selects the newest');
  await r.press('k');
  await r.press('k');
  await r.waitFor((f) => inverted(lineWith(f, 'message 58')) && !inverted(lineWith(f, 'message 60')), 'k k: two older');
  await r.press('j');
  await r.waitFor((f) => inverted(lineWith(f, 'message 59')), 'j: newer');
  await r.press('r');
  await r.waitFor((f) => plain(f).includes('replying to') && composerLine(f).includes('I› '), 'r: reply in insert mode');
  await toNormal();
  assert.ok(plain(r.lastFrame()).includes('replying to'), 'the first Esc only leaves insert mode');
  await r.press(keys.escape);
  await r.waitFor((f) => !plain(f).includes('replying to'), 'Esc in normal mode cancels the reply');

  // Both keys in one read, as tmux or a busy program delivers them.
  await r.press('gg');
  await r.waitFor((f) => seqs(f)[0] === 1, 'gg: oldest at the top');
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'load-older'), 'gg asks for older history like Home');
  await r.press('G');
  await r.waitFor((f) => Math.max(...seqs(f)) === 60, 'G: newest');
  await r.press('\x15'); // Ctrl-U
  const up = await r.waitFor((f) => Math.max(...seqs(f)) < 60, 'Ctrl-U scrolls up');
  const top = Math.max(...seqs(up));
  assert.ok(top > 60 - 15, `half a page, not a whole one (newest shown ${top})`);
  await r.press('\x04'); // Ctrl-D
  await r.waitFor((f) => Math.max(...seqs(f)) === 60, 'Ctrl-D scrolls back down');
});

test('vim: ":q" quits; ":join #x" runs /join; Esc closes the line; "/" searches; the draft survives', async () => {
  const engine = engineWith(3);
  let quit = false;
  r = renderApp(engine, { columns: 100, rows: 20 }, { keys: vim });
  void r.exited.then(() => (quit = true));
  await r.waitFor((f) => f.includes('message 3'));
  await r.type('draft');
  await toNormal();
  await r.press(':');
  await r.waitFor((f) => composerLine(f).trimEnd().endsWith(':'), 'command line open');
  await r.type('join #x');
  await r.waitFor((f) => composerLine(f).includes(':join #x'));
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'join'), ':join dispatched');
  const join = engine.dispatched.find((a) => a.type === 'join') as { type: 'join'; accountId: string; channel?: string };
  assert.equal(join.accountId, 'libera');
  assert.match(JSON.stringify(join), /#x/);
  await r.waitFor((f) => composerLine(f).includes('N› draft'), 'back in normal mode with the draft');

  await r.press(':');
  await r.type('nonsense');
  await r.press(keys.escape);
  await r.waitFor((f) => composerLine(f).includes('N› draft'), 'Esc closes the command line');
  assert.ok(!engine.dispatched.some((a) => JSON.stringify(a).includes('nonsense')));

  await r.press('/');
  await r.type('needle');
  await r.waitFor((f) => composerLine(f).includes('/needle'));
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'search'), '/ runs a search');
  assert.match(JSON.stringify(engine.dispatched.find((a) => a.type === 'search')), /needle/);

  assert.ok(!quit);
  await r.press(':');
  await r.type('q');
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'quit'), ':q dispatches quit');
});

test('vim: the help overlay lists every binding of the vim keymap', async () => {
  const engine = engineWith(3);
  r = renderApp(engine, { columns: 120, rows: 140 }, { keys: vim });
  await r.waitFor((f) => f.includes('message 3'));
  await toNormal();
  await r.press('?');
  const frame = plain(await r.waitFor((f) => f.includes('keys and commands')));
  assert.match(frame, /Normal mode \(vim keymap/);
  for (const b of vimBindings) {
    assert.ok(frame.includes(formatKeys(b)), `help shows the keys ${formatKeys(b)}`);
    assert.ok(frame.includes(b.description), `help shows "${b.description}"`);
  }
});

test('[keys.bind] overrides reach the running TUI: switcher on Ctrl-P, Ctrl-K free', async () => {
  const engine = engineWith(3);
  r = renderApp(engine, { columns: 100, rows: 20 }, { keys: { keymap: 'default', bind: { switcher: 'C-p' } } });
  await r.waitFor((f) => f.includes('message 3'));
  await r.press(keys.ctrlK);
  await r.press(keys.ctrlP);
  await r.waitFor((f) => f.includes('Switch to conversation'), 'Ctrl-P opens the switcher');
});
