// The unified inbox overlay: Alt-U and /inbox open it, rows show network/account, conversation and snippet newest
// first, Tab switches to mentions, Enter jumps into the conversation at the message, Esc closes.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { makeMessage, sampleEngine, type FakeEngine } from './fake-engine.js';
import type { InboxEntry } from '../../../src/core/engine-api.js';
import { inboxRowText } from '../../../src/ui/InboxOverlay.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

const header = (frame: string) => plain(frame).split('\n')[0]!.slice(25);

function withInbox(): FakeEngine {
  const e = sampleEngine();
  e.fill('c-room', 60, (seq) => ({ accountId: 'jabber', body: `room line ${seq}`, senderName: 'dave', senderId: 'dave' }));
  const room = e.timelines.get('c-room')!;
  const ops = e.timelines.get('c-ops')!;
  const entry = (m: typeof room[number], protocol: InboxEntry['protocol'], title: string): InboxEntry => ({
    message: m,
    protocol,
    conversationTitle: title,
    snippet: m.body,
  });
  // Newest first, as the store returns them: an old room message (far up its timeline) is the newest unread here.
  room[9] = { ...room[9]!, body: 'room line 10 mentions me', mentionsMe: true };
  e.inboxEntries = [
    entry(room[9]!, 'xmpp', 'room@muc.example'),
    entry(ops[1]!, 'irc', '#ops'),
    entry(makeMessage('c-natter', 4, { body: 'natter four\twith tab' }), 'irc', '#natter'),
  ];
  e.inboxEntries[0]!.snippet = 'room line 10 mentions me';
  return e;
}

test('Alt-U opens the inbox newest first; Tab shows mentions only; Esc closes', async () => {
  const engine = withInbox();
  r = renderApp(engine, { columns: 110, rows: 24 });
  await r.waitFor((f) => header(f).startsWith('#natter'));
  await r.press(keys.alt('u'));
  let frame = plain(await r.waitFor((f) => f.includes('[All unread]'), 'inbox open'));
  const rows = frame.split('\n').filter((l) => /xmpp\/jabber|irc\/libera/.test(l));
  assert.equal(rows.length, 3, frame);
  assert.match(rows[0]!, /xmpp\/jabber room@muc\.example <dave> room line 10 mentions me/);
  assert.match(rows[1]!, /irc\/libera #ops <carol> ops says 2/);
  assert.match(rows[2]!, /irc\/libera #natter <alice> natter four/);
  assert.deepEqual(engine.inboxCalls.at(-1), { mentionsOnly: false, limit: 200 });

  await r.press(keys.tab);
  frame = plain(await r.waitFor((f) => f.includes('[Mentions]'), 'mentions tab'));
  assert.deepEqual(engine.inboxCalls.at(-1), { mentionsOnly: true, limit: 200 });
  assert.equal(frame.split('\n').filter((l) => /xmpp\/jabber|irc\/libera/.test(l)).length, 1, frame);

  await r.press(keys.escape);
  frame = plain(await r.waitFor((f) => !f.includes('Mentions'), 'closed'));
  assert.match(frame, /message 5/);
});

test('Enter on an inbox row opens its conversation at that message; /inbox opens it too; new unread re-reads', async () => {
  const engine = withInbox();
  r = renderApp(engine, { columns: 110, rows: 24 });
  await r.waitFor((f) => header(f).startsWith('#natter'));
  await r.type('/inbox');
  await r.press(keys.enter);
  await r.waitFor((f) => f.includes('[All unread]'), '/inbox opens it');

  // A change while open is re-read.
  const calls = engine.inboxCalls.length;
  engine.emit({ conversations: ['c-ops'] });
  await r.waitFor(() => engine.inboxCalls.length > calls, 're-read after a change');

  await r.press(keys.enter);
  const frame = plain(await r.waitFor((f) => header(f).startsWith('room@muc.example'), 'switched to the room'));
  assert.ok(!frame.includes('[All unread]'));
  // The timeline shows the message far up the room's history, not just the newest page.
  await r.waitFor((f) => plain(f).includes('room line 10 mentions me'), 'jumped to the message');
  assert.ok(!plain(r.lastFrame()).includes('room line 60'), `the window is at the message, not at the newest:\n${plain(r.lastFrame())}`);
});

test('inbox rows fit their width: long titles and snippets are cut, never wrapped', () => {
  const e = withInbox().inboxEntries[0]!;
  const text = inboxRowText({ ...e, snippet: 'x'.repeat(300), conversationTitle: 'a very long conversation title' }, 60, '1999-01-01');
  assert.equal([...text].length, 60);
  assert.ok(text.endsWith('…'));
});
