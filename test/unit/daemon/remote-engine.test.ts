/**
 * The attached UI's engine: reads from a read-only connection to a database another connection writes (as the
 * daemon does), the in-memory state from pushed deltas, and the status line while the link is down.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeSet } from '../../../src/core/engine-api.js';
import { openStore } from '../../../src/store/open-store.js';
import { RemoteEngine } from '../../../src/daemon/remote-engine.js';
import type { Welcome } from '../../../src/daemon/daemon-link.js';
import { fixture, msg } from '../store/helpers.js';

const none: ChangeSet = { accounts: false, conversations: [], timelines: [], members: [], typing: [], status: false };

test('reads see what the writer committed; pushed state decorates them; the link state shows on the status line', () => {
  const { dir, store: writer, conv } = fixture();
  const reader = openStore(dir, { readOnly: true });
  try {
    const engine = new RemoteEngine(reader, { status: null, selves: {}, typing: {}, transfers: {} }, () => 42);
    const seen: ChangeSet[] = [];
    engine.subscribe((c) => seen.push(c));
    const welcome = { t: 'welcome', protocol: 1, version: 'v', pid: 1, instance: 'a', live: { status: { level: 'info', text: 'hi', at: 1 }, selves: { acct: 'alice' }, typing: {}, transfers: {} } } as Welcome;
    engine.onLinkState({ state: 'attached', welcome, again: false });
    assert.equal(engine.status()?.text, 'hi');
    assert.equal(engine.selfName(conv.id), 'alice');

    writer.insertMessage(msg(conv.id, { id: 'q1', remoteId: 'r-q1', body: 'the question' }));
    writer.insertMessage(msg(conv.id, { id: 'up1', direction: 'out', senderId: 'alice', senderName: 'alice', body: 'file', delivery: 'pending', replyTo: 'r-q1' }));
    engine.onChanges({
      t: 'changes',
      changes: { ...none, timelines: [conv.id], typing: [conv.id] },
      live: { typing: { [conv.id]: ['bob'] }, transfers: { [conv.id]: { up1: { sent: 3, total: 9 } } } },
    });
    assert.equal(seen.length, 1, 'the ChangeSet is passed on');
    const page = engine.messages(conv.id, { limit: 10 });
    assert.deepEqual(page.map((m) => m.body), ['the question', 'file'], 'the read-only connection sees the commits');
    assert.deepEqual(page[1]?.transfer, { sent: 3, total: 9 });
    assert.deepEqual(page[1]?.replyPreview, { senderName: 'Bob', body: 'the question' });
    assert.deepEqual(engine.typing(conv.id), ['bob']);
    assert.equal(engine.search('question').length, 1);
    // The unified inbox comes from the same read-only connection (here: nothing counted as unread yet, then one).
    assert.deepEqual(engine.inbox(), []);
    writer.insertMessage(msg(conv.id, { id: 'u1', body: 'unread one', countsUnread: true, mentionsMe: true }));
    assert.deepEqual(engine.inbox({ mentionsOnly: true }).map((e) => [e.message.id, e.protocol, e.snippet]), [['u1', 'irc', 'unread one']]);

    engine.onChanges({ t: 'changes', changes: { ...none, typing: [conv.id], timelines: [conv.id] }, live: { typing: { [conv.id]: [] }, transfers: { [conv.id]: {} } } });
    assert.deepEqual(engine.typing(conv.id), []);
    assert.equal(engine.messages(conv.id, { limit: 10 })[1]?.transfer, undefined);

    engine.onLinkState({ state: 'lost', reason: 'the natter daemon stopped', waiting: 2 });
    assert.deepEqual(engine.status(), { level: 'warn', text: 'the natter daemon stopped; reconnecting… (2 waiting)', at: 42 });
    assert.equal(seen.at(-1)?.status, true);
    const again = { ...welcome, instance: 'b', live: { ...welcome.live, status: { level: 'info' as const, text: 'back', at: 2 } } };
    engine.onLinkState({ state: 'attached', welcome: again, again: true });
    const resync = seen.at(-1)!;
    assert.equal(resync.accounts, true);
    assert.equal(resync.conversations, true);
    assert.deepEqual(resync.timelines, [conv.id], 'every timeline re-reads after a reconnect');
    assert.equal(engine.status()?.text, 'attached to the natter daemon again');
    engine.onChanges({ t: 'changes', changes: { ...none, status: true }, live: { status: { level: 'warn', text: 'lag', at: 3 } } });
    assert.equal(engine.status()?.text, 'lag', 'the daemon\'s news replaces the link notice');

    engine.onLinkState({ state: 'refused', error: 'natter 2 UI cannot attach to a natter 1 daemon: restart the daemon' });
    assert.deepEqual(engine.status(), { level: 'error', text: 'natter 2 UI cannot attach to a natter 1 daemon: restart the daemon', at: 42 });
  } finally {
    reader.close();
  }
});

test('quit stays in the UI; without a link an action fails in words', async () => {
  const { dir } = fixture();
  const reader = openStore(dir, { readOnly: true });
  try {
    const engine = new RemoteEngine(reader, { status: null, selves: {}, typing: {}, transfers: {} });
    assert.deepEqual(await engine.dispatch({ type: 'quit' }), { ok: true });
    assert.deepEqual(await engine.dispatch({ type: 'help' }), { ok: false, error: 'not attached to a natter daemon' });
  } finally {
    reader.close();
  }
});
