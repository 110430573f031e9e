/* eslint-disable no-control-regex -- frames carry the ANSI sequences Ink writes */
import './force-color.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { plain, renderApp, type Rendered } from './harness.js';
import { sampleEngine } from './fake-engine.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

test('sidebar lists accounts with state glyphs and their conversations with unread and mention counts', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  const frame = plain(await r.waitFor((f) => f.includes('#natter')));
  const rows = frame.split('\n');
  const sidebar = rows.map((l) => l.slice(0, 24));
  const libera = sidebar.findIndex((l) => l.includes('libera'));
  const jabber = sidebar.findIndex((l) => l.includes('jabber'));
  assert.ok(libera >= 0 && jabber > libera, `accounts in order:\n${sidebar.join('\n')}`);
  assert.match(sidebar[libera]!, /● libera/);
  assert.match(sidebar[jabber]!, /◌ jabber/);
  const natter = sidebar.find((l) => l.includes('#natter'))!;
  assert.match(natter, /#natter\s+3\s*$/);
  const ops = sidebar.find((l) => l.includes('#ops'))!;
  assert.match(ops, /#ops\s+@2 5\s*$/);
  assert.ok(sidebar.some((l) => l.includes('bob')));
  const room = sidebar.findIndex((l) => l.includes('room@muc.example'));
  assert.ok(room > jabber, 'the XMPP room sits under its account');
});

test('the selected conversation is inverted and the header shows its title and topic', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  const frame = await r.waitFor((f) => f.includes('a terminal messenger'));
  // Inverse video (SGR 7) around the selected row; the first conversation is selected at start.
  assert.match(frame, /\x1b\[7m[^\n]*#natter/);
  assert.match(plain(frame), /#natter — a terminal messenger/);
});

test('sidebar follows engine changes: a new unread count appears after a ChangeSet', async () => {
  const engine = sampleEngine();
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('#natter'));
  engine.conversationList.find((c) => c.id === 'c-bob')!.unread = 7;
  engine.emit({ conversations: ['c-bob'] });
  const frame = plain(await r.waitFor((f) => /bob\s+7/.test(plain(f))));
  assert.match(frame, /bob\s+7/);
});

test('long titles are cut with a width-aware ellipsis', async () => {
  const engine = sampleEngine();
  engine.conversationList.push(
    (await import('./fake-engine.js')).makeConversation('c-long', 'libera', { title: '#一二三四五六七八九十一二三四五', unread: 1 }),
  );
  r = renderApp(engine);
  const frame = plain(await r.waitFor((f) => f.includes('一二三')));
  const row = frame.split('\n').find((l) => l.includes('一二三'))!;
  assert.match(row, /…/);
});
