import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { makeMessage, sampleEngine } from './fake-engine.js';
import { formatKeys, keymap } from '../../../src/ui/keymap.js';
import { helpEntries } from '../../../src/core/commands/registry.js';
import { synthetic } from '../../../src/ui/key-press.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

const header = (frame: string) => plain(frame).split('\n')[0]!.slice(25);

test('Ctrl-K opens the switcher; typing filters fuzzily; Enter switches; Esc closes', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => header(f).startsWith('#natter'));
  await r.press(keys.ctrlK);
  let frame = plain(await r.waitFor((f) => f.includes('Switch to conversation')));
  assert.match(frame, /room@muc\.example/);
  await r.type('rom');
  frame = plain(await r.waitFor((f) => plain(f).includes('> rom')));
  const list = frame.split('\n').filter((l) => l.includes('│') && /#natter|#ops|bob|room@/.test(l.slice(26)));
  assert.equal(list.length, 1, `only the room matches "rom":\n${frame}`);
  await r.press(keys.enter);
  frame = await r.waitFor((f) => header(f).startsWith('room@muc.example'), 'switched');
  assert.ok(!frame.includes('Switch to conversation'));

  await r.press(keys.ctrlK);
  await r.waitFor((f) => f.includes('Switch to conversation'));
  await r.type('ops');
  await r.press(keys.escape);
  frame = await r.waitFor((f) => !f.includes('Switch to conversation'), 'Esc closes');
  assert.ok(header(frame).startsWith('room@muc.example'), 'Esc does not switch');
});

test('the help overlay lists every binding of the keymap table and the slash commands', async () => {
  const engine = sampleEngine();
  r = renderApp(engine, { columns: 120, rows: 100 });
  await r.waitFor((f) => f.includes('#natter'));
  await r.press('?');
  const frame = plain(await r.waitFor((f) => f.includes('keys and commands')));
  for (const b of keymap) {
    assert.ok(frame.includes(formatKeys(b)), `help shows the keys ${formatKeys(b)}`);
    assert.ok(frame.includes(b.description), `help shows "${b.description}"`);
  }
  for (const c of helpEntries()) assert.ok(frame.includes(c.usage), `help shows ${c.usage}`);
  await r.press(keys.escape);
  const closed = plain(await r.waitFor((f) => !f.includes('keys and commands')));
  assert.match(closed, /message 5/);
});

test('? types into a non-empty composer instead of opening help; F1 always opens help', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  await r.type('why?');
  let frame = plain(await r.waitFor((f) => plain(f).includes('› why?')));
  assert.ok(!frame.includes('keys and commands'));
  r.side.emit(synthetic('f1'));
  frame = plain(await r.waitFor((f) => f.includes('keys and commands')));
  assert.match(frame, /Ctrl-K/);
});

test('Alt-N jumps to the Nth conversation; Ctrl-N / Alt-Up move through the sidebar order', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => header(f).startsWith('#natter'));
  await r.press(keys.alt('3'));
  await r.waitFor((f) => header(f).startsWith('bob'), 'Alt-3 → bob');
  await r.press(keys.ctrlN);
  await r.waitFor((f) => header(f).startsWith('room@muc.example'), 'Ctrl-N → next account');
  await r.press(keys.altUp);
  await r.waitFor((f) => header(f).startsWith('bob'), 'Alt-Up → previous');
});

test('/search results show in an overlay; Enter jumps to the conversation of the hit', async () => {
  const engine = sampleEngine();
  const hit = makeMessage('c-ops', 2, { body: 'ops says 2', senderName: 'carol' });
  engine.respond = (a) =>
    a.type === 'search'
      ? { ok: true, search: [{ message: hit, conversationTitle: '#ops', snippet: 'ops \u0002says\u0003 2' }] }
      : { ok: true };
  r = renderApp(engine);
  await r.waitFor((f) => header(f).startsWith('#natter'));
  await r.type('/search says');
  await r.press(keys.enter);
  const frame = await r.waitFor((f) => f.includes('Search “says”'));
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'search'), { type: 'search', query: 'says' });
  assert.match(plain(frame), /#ops <carol> ops says 2/);
  await r.press(keys.enter);
  const after = await r.waitFor((f) => header(f).startsWith('#ops') && !f.includes('Search “'), 'jumped');
  assert.match(plain(after), /ops says 2/);
});

test('a switcher query and Enter that arrive in one read still switch', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => header(f).startsWith('#natter'));
  await r.press(keys.ctrlK);
  await r.waitFor((f) => f.includes('Switch to conversation'));
  await r.press('bob\r');
  await r.waitFor((f) => header(f).startsWith('bob') && !f.includes('Switch to conversation'), 'switched to bob');
});

test('Alt-M lists who is here by role with badges and away status; member changes update it; Esc closes', async () => {
  const engine = sampleEngine();
  engine.memberLists.set('c-natter', [
    { id: 'zed', name: 'zed', role: 'member' },
    { id: 'alice', name: 'alice', role: 'moderator', badge: '@' },
    { id: 'bob', name: 'bob', role: 'voice', badge: '+', away: true },
  ]);
  r = renderApp(engine);
  await r.waitFor((f) => header(f).startsWith('#natter'));
  await r.press(keys.alt('m'));
  let frame = plain(await r.waitFor((f) => plain(f).includes('3 members')));
  const body = frame.split('\n').map((l) => l.slice(25));
  const at = (s: string) => body.findIndex((l) => l.includes(s));
  assert.ok(at('Moderators (1)') < at('@ alice') && at('@ alice') < at('Voiced (1)'), frame);
  assert.ok(at('Voiced (1)') < at('+ bob — away') && at('+ bob — away') < at('Members (1)') && at('Members (1)') < at('zed'), frame);

  engine.memberLists.set('c-natter', [...engine.memberLists.get('c-natter')!, { id: 'carol', name: 'carol', role: 'member' }]);
  engine.emit({ members: ['c-natter'] });
  frame = plain(await r.waitFor((f) => plain(f).includes('4 members')));
  assert.match(frame, /Members \(2\)/);

  await r.press(keys.escape);
  await r.waitFor((f) => !plain(f).includes('4 members'), 'closed');
});
