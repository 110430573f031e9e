import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { sampleEngine } from './fake-engine.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

test('Enter dispatches the parsed action and clears the composer', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.type('hello world');
  await r.waitFor((f) => plain(f).includes('› hello world'));
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'send'));
  assert.deepEqual(engine.dispatched.filter((a) => a.type === 'send'), [
    { type: 'send', conversationId: 'c-natter', body: 'hello world' },
  ]);
  await r.waitFor((f) => !plain(f).includes('› hello world'), 'composer cleared');
});

test('slash commands parse through the command layer', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.type('/join #rust');
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'join'));
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'join'), { type: 'join', accountId: 'libera', address: '#rust' });
});

test('Alt-Enter and Ctrl-J insert line breaks; the multi-line body is sent whole', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.type('one');
  await r.press(keys.altEnter);
  await r.type('two');
  await r.press(keys.ctrlJ);
  await r.type('three');
  const frame = plain(await r.waitFor((f) => plain(f).includes('three')));
  assert.match(frame, /› one\s*\n.*two\s*\n.*three/);
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'send'));
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'send'), {
    type: 'send',
    conversationId: 'c-natter',
    body: 'one\ntwo\nthree',
  });
});

test('Tab completes a nick from the conversation', async () => {
  const engine = sampleEngine();
  engine.memberLists.set('c-natter', [
    { id: 'bobby', name: 'bobby', role: 'member' },
    { id: 'carol', name: 'carol', role: 'member' },
  ]);
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.type('car');
  await r.press(keys.tab);
  await r.waitFor((f) => /› carol[:,]?/.test(plain(f)), 'completed');
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'send'));
  const send = engine.dispatched.find((a) => a.type === 'send');
  assert.ok(send && send.type === 'send' && send.body.startsWith('carol'), JSON.stringify(send));
});

test('Up on the first line walks this conversation\'s input history; Down comes back to the draft', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.type('first');
  await r.press(keys.enter);
  await r.type('second');
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.filter((a) => a.type === 'send').length === 2);
  await r.type('draft');
  await r.press(keys.up);
  await r.waitFor((f) => plain(f).includes('› second'));
  await r.press(keys.up);
  await r.waitFor((f) => plain(f).includes('› first'));
  await r.press(keys.down);
  await r.press(keys.down);
  await r.waitFor((f) => plain(f).includes('› draft'));
});

test('a failed action shows its error on the status line; info shows too; a conversationId switches', async () => {
  const engine = sampleEngine();
  engine.respond = (a) =>
    a.type === 'send'
      ? { ok: false, error: 'not connected to libera' }
      : a.type === 'open'
        ? { ok: true, info: 'opened bob', conversationId: 'c-bob' }
        : { ok: true };
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.type('hi');
  await r.press(keys.enter);
  let frame = plain(await r.waitFor((f) => f.includes('not connected to libera')));
  assert.match(frame.split('\n').at(-1)!, /not connected to libera/);
  await r.type('/query bob');
  await r.press(keys.enter);
  frame = plain(await r.waitFor((f) => f.includes('opened bob')));
  assert.match(frame.split('\n')[0]!, /│bob/);
});

test('a command the parser rejects shows its message and keeps the text', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.type('/join');
  await r.press(keys.enter);
  const frame = plain(await r.waitFor((f) => /usage|\/join/i.test(plain(f).split('\n').at(-1)!)));
  assert.match(frame, /› \/join/);
  assert.equal(engine.dispatched.filter((a) => a.type === 'join').length, 0);
});

test('Ctrl-Q dispatches quit and exits the app', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.press(keys.ctrlQ);
  await r.exited;
  assert.deepEqual(engine.dispatched.at(-1), { type: 'quit' });
});

test('/quit with a reason dispatches it and exits', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.type('/quit bye now');
  await r.press(keys.enter);
  await r.exited;
  const q = engine.dispatched.find((a) => a.type === 'quit');
  assert.ok(q && q.type === 'quit');
});

test('typing indicator and engine status show on the status line', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  engine.typingNames.set('c-natter', ['bob']);
  engine.emit({ typing: ['c-natter'] });
  await r.waitFor((f) => plain(f).includes('bob is typing…'));
  engine.typingNames.set('c-natter', []);
  engine.statusMessage = { level: 'warn', text: 'libera: reconnecting in 8 s', at: Date.now() + 1000 };
  engine.emit({ typing: ['c-natter'], status: true });
  const frame = plain(await r.waitFor((f) => f.includes('reconnecting in 8 s')));
  assert.ok(!frame.includes('is typing'));
});

test('a bracketed paste with line breaks is inserted whole and not sent', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.press('\x1b[200~line one\rline two\x1b[201~');
  const frame = plain(await r.waitFor((f) => plain(f).includes('line two')));
  assert.match(frame, /› line one\s*\n.*line two/);
  assert.equal(engine.dispatched.filter((a) => a.type === 'send').length, 0);
});

test('keys typed while busy arrive in one read: "/join #x" then Enter still runs the command', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.press('/join #late\r');
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'join'), 'join dispatched');
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'join'), { type: 'join', accountId: 'libera', address: '#late' });
  await r.waitFor((f) => !plain(f).includes('› /join'), 'composer cleared');
});

test('writing tells the conversation (typing), sending or emptying the draft ends it; /commands do not', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.type('/jo');
  await r.waitFor((f) => plain(f).includes('› /jo'));
  assert.equal(engine.dispatched.filter((a) => a.type === 'typing').length, 0, 'a /command is not writing');
  for (let i = 0; i < 3; i++) await r.press(keys.backspace);
  await r.type('hi');
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'typing'));
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.filter((a) => a.type === 'typing').length === 2);
  assert.deepEqual(engine.dispatched.filter((a) => a.type === 'typing'), [
    { type: 'typing', conversationId: 'c-natter', active: true },
    { type: 'typing', conversationId: 'c-natter', active: false },
  ]);
});
