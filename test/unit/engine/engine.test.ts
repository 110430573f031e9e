import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../src/core/engine/engine.js';
import { UNCERTAIN } from '../../../src/core/engine/outbox.js';
import { SendRejected, SendUncertain } from '../../../src/core/contract.js';
import type { ChangeSet } from '../../../src/core/engine-api.js';
import { silentLogger } from '../../../src/core/logger.js';
import { isSafeForTerminal } from '../../../src/core/sanitize.js';
import { openStore } from '../../../src/store/open-store.js';
import type { Store } from '../../../src/store/types.js';
import { FakeAdapter } from './fake-adapter.js';

interface Rig {
  dir: string;
  store: Store;
  engine: Engine;
  adapter: FakeAdapter;
  adapters: FakeAdapter[];
}

async function rig(dir = mkdtempSync(join(tmpdir(), 'natter-engine-')), prepare?: (a: FakeAdapter) => void): Promise<Rig> {
  const store = openStore(dir);
  const adapters: FakeAdapter[] = [];
  const engine = new Engine({
    store,
    log: silentLogger,
    batchMs: 1,
    accounts: [
      {
        id: 'net',
        protocol: 'irc',
        enabled: true,
        config: {},
        secret: async () => undefined,
        factory: () => {
          const a = new FakeAdapter();
          prepare?.(a);
          adapters.push(a);
          return a;
        },
      },
    ],
  });
  await engine.start();
  return { dir, store, engine, adapter: adapters[0]!, adapters };
}

/** Lets queued events apply and the outbox loop run to its end. */
async function settle(engine: Engine): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setImmediate(r));
    engine.drain();
  }
}

function channel(r: Rig, name = '#natter') {
  r.adapter.emit({ type: 'conversation', conversation: { remoteId: name, kind: 'channel', joined: true } });
  r.engine.drain();
  const conv = r.store.findConversation('net', name.toLowerCase());
  assert.ok(conv, 'channel stored');
  return conv;
}

const incoming = (body: string, extra: Record<string, unknown> = {}) => ({
  type: 'message' as const,
  message: {
    conversation: { remoteId: '#natter', kind: 'channel' as const },
    senderId: 'bob',
    direction: 'in' as const,
    kind: 'text' as const,
    body,
    ...extra,
  },
});

test('hostile text reaches the store sanitized: body, sender, topic', async () => {
  const r = await rig();
  r.adapter.online();
  r.adapter.emit({
    type: 'conversation',
    conversation: { remoteId: '#natter', kind: 'channel', joined: true, topic: 'topic\x1b]0;pwned\x07 here\u202e' },
  });
  r.adapter.emit(incoming('hi \x1b[2J\x1b]52;c;ZXZpbA==\x07there\x1b[31m', { senderName: 'b\x1b[1mob', remoteId: 'm1', sentAt: 1000 }));
  await settle(r.engine);
  const conv = r.store.findConversation('net', '#natter')!;
  const [m] = r.store.messages(conv.id, { limit: 10 });
  assert.ok(m);
  assert.ok(isSafeForTerminal(m.body), JSON.stringify(m.body));
  assert.ok(isSafeForTerminal(m.senderName));
  assert.ok(isSafeForTerminal(conv.topic ?? ''));
  assert.match(m.body, /^hi .*there/);
  assert.ok(!m.body.includes('ZXZpbA'), 'the OSC 52 payload is gone with its sequence');
  r.store.close();
  rmSync(r.dir, { recursive: true });
});

test('dedup: same remote id, same server time + text, and a replay with a new id all stay one message', async () => {
  const r = await rig();
  r.adapter.online();
  channel(r);
  r.adapter.emit(incoming('one', { remoteId: 'a', sentAt: 5000 }));
  r.adapter.emit(incoming('one', { remoteId: 'a', sentAt: 5000, historical: true }));
  r.adapter.emit(incoming('one', { remoteId: 'renumbered', sentAt: 5000, historical: true }));
  r.adapter.emit(incoming('no id', { sentAt: 6000 }));
  r.adapter.emit(incoming('no id', { sentAt: 6000 }));
  r.adapter.emit(incoming('no id', { sentAt: 7000 }));
  await settle(r.engine);
  const conv = r.store.findConversation('net', '#natter')!;
  assert.deepEqual(
    r.store.messages(conv.id, { limit: 10 }).map((m) => m.body),
    ['one', 'no id', 'no id'],
  );
  r.store.close();
});

test('outbox: written offline, stays pending, sent exactly once when online', async () => {
  const r = await rig();
  const conv = channel(r);
  const res = await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'queued while offline' });
  assert.equal(res.ok, true);
  assert.match((res as { info?: string }).info ?? '', /offline/);
  await settle(r.engine);
  assert.equal(r.adapter.sent.length, 0);
  const [pending] = r.store.messages(conv.id, { limit: 10 });
  assert.equal(pending?.delivery, 'pending');
  r.adapter.online();
  await settle(r.engine);
  r.adapter.online(); // a second "online" (e.g. a reconnect) must not send again
  await settle(r.engine);
  assert.equal(r.adapter.sent.length, 1);
  assert.equal(r.adapter.sent[0]!.body, 'queued while offline');
  const [sent] = r.store.messages(conv.id, { limit: 10 });
  assert.equal(sent?.delivery, 'sent');
  assert.equal(sent?.remoteId, `r-${sent?.id}`);
  r.store.close();
});

test('outbox survives a restart: pending messages are sent once by the next run, in order', async () => {
  const first = await rig();
  const conv = channel(first);
  await first.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'first' });
  await first.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'second' });
  await first.engine.stop();
  first.store.close();
  const again = await rig(first.dir);
  again.adapter.online();
  await settle(again.engine);
  assert.deepEqual(again.adapter.sent.map((m) => m.body), ['first', 'second']);
  assert.deepEqual(
    again.store.messages(conv.id, { limit: 10 }).map((m) => m.delivery),
    ['sent', 'sent'],
  );
  again.store.close();
});

test('a retryable rejection keeps the message pending for the next connection', async () => {
  const r = await rig();
  const conv = channel(r);
  let refuse = true;
  r.adapter.onSend = async (m) => {
    if (refuse) throw new SendRejected('not connected', { retryable: true });
    return { state: 'sent', remoteId: `x-${m.localId}` };
  };
  r.adapter.online();
  await settle(r.engine);
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'hello' });
  await settle(r.engine);
  assert.equal(r.store.messages(conv.id, { limit: 1 })[0]?.delivery, 'pending');
  refuse = false;
  r.adapter.online();
  await settle(r.engine);
  assert.equal(r.adapter.sent.length, 2, 'one refused attempt, one successful');
  assert.equal(r.store.messages(conv.id, { limit: 1 })[0]?.delivery, 'sent');
  r.store.close();
});

test('a final rejection fails the message with the reason and the queue moves on', async () => {
  const r = await rig();
  const conv = channel(r);
  r.adapter.onSend = async (m) => {
    if (m.body === 'bad') throw new SendRejected('Cannot send to channel (+m)');
    return { state: 'sent' };
  };
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'bad' });
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'good' });
  r.adapter.online();
  await settle(r.engine);
  const rows = r.store.messages(conv.id, { limit: 10 });
  assert.deepEqual(rows.map((m) => [m.body, m.delivery]), [['bad', 'failed'], ['good', 'sent']]);
  assert.equal(rows[0]?.failure, 'Cannot send to channel (+m)');
  r.store.close();
});

test('uncertain sends are never resent blindly, and a later echo confirms them without a duplicate', async () => {
  const r = await rig();
  const conv = channel(r);
  r.adapter.onSend = async () => {
    throw new SendUncertain('connection closed');
  };
  r.adapter.online('me');
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'did it arrive?' });
  await settle(r.engine);
  assert.equal(r.store.messages(conv.id, { limit: 1 })[0]?.failure, UNCERTAIN);
  r.adapter.online('me');
  await settle(r.engine);
  assert.equal(r.adapter.sent.length, 1, 'not resent on reconnect');
  // The server's history replay shows it did arrive.
  r.adapter.emit({
    type: 'message',
    message: { conversation: { remoteId: '#natter', kind: 'channel' }, senderId: 'me', direction: 'out', kind: 'text', body: 'did it arrive?', remoteId: 'srv-1', sentAt: Date.now(), historical: true },
  });
  await settle(r.engine);
  const rows = r.store.messages(conv.id, { limit: 10 });
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.delivery, 'sent');
  assert.equal(rows[0]?.remoteId, 'srv-1');
  r.store.close();
});

test('a message on the wire when natter stopped is marked uncertain at the next start, not resent', async () => {
  const first = await rig();
  const conv = channel(first);
  first.adapter.onSend = () => new Promise(() => {}); // the server never answers
  first.adapter.online();
  await first.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'in flight' });
  await settle(first.engine);
  assert.equal(first.adapter.sent.length, 1);
  first.store.close(); // natter dies here
  const again = await rig(first.dir);
  again.adapter.online();
  await settle(again.engine);
  assert.equal(again.adapter.sent.length, 0);
  const [m] = again.store.messages(conv.id, { limit: 1 });
  assert.equal(m?.delivery, 'failed');
  assert.equal(m?.failure, UNCERTAIN);
  again.store.close();
});

test('an echo without a label confirms the pending own message instead of adding one', async () => {
  const r = await rig();
  const conv = channel(r);
  r.adapter.onSend = () => new Promise(() => {}); // confirmation comes only as an echo
  r.adapter.online('me');
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'echo me' });
  await settle(r.engine);
  r.adapter.emit({
    type: 'message',
    message: { conversation: { remoteId: '#natter', kind: 'channel' }, senderId: 'me', direction: 'out', kind: 'text', body: 'echo me', remoteId: 'e1', sentAt: Date.now() },
  });
  await settle(r.engine);
  const rows = r.store.messages(conv.id, { limit: 10 });
  assert.deepEqual(rows.map((m) => [m.body, m.delivery, m.remoteId]), [['echo me', 'sent', 'e1']]);
  r.store.close();
});

test('an own message confirmed first by the server takes the name its reflection shows (the room nick)', async () => {
  const r = await rig();
  const conv = channel(r);
  r.adapter.onSend = async () => ({ remoteId: 'r1', state: 'sent' });
  r.adapter.online('alice@example.org');
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'named' });
  await settle(r.engine);
  assert.equal(r.store.messages(conv.id, { limit: 1 })[0]?.delivery, 'sent');
  r.adapter.emit({
    type: 'message',
    message: { conversation: { remoteId: '#natter', kind: 'channel' }, senderId: 'alice@example.org', senderName: 'Alice\u001b[31m', direction: 'out', kind: 'text', body: 'named', remoteId: 'r1', sentAt: Date.now() },
  });
  await settle(r.engine);
  const rows = r.store.messages(conv.id, { limit: 10 });
  assert.deepEqual(rows.map((m) => [m.body, m.senderName]), [['named', 'Alice']]);
  assert.ok(isSafeForTerminal(rows[0]!.senderName));
  r.store.close();
});

test('mentions of the own nick are flagged and counted; mark-read clears the counts', async () => {
  const r = await rig();
  r.adapter.online('Alice');
  const conv = channel(r);
  r.adapter.emit(incoming('hey alice, look', { remoteId: 'm1', sentAt: 1 }));
  r.adapter.emit(incoming('malice is not a mention', { remoteId: 'm2', sentAt: 2 }));
  await settle(r.engine);
  const after = r.store.getConversation(conv.id)!;
  assert.equal(after.unread, 2);
  assert.equal(after.mentions, 1);
  const rows = r.store.messages(conv.id, { limit: 10 });
  assert.deepEqual(rows.map((m) => m.mentionsMe), [true, false]);
  await r.engine.dispatch({ type: 'mark-read', conversationId: conv.id, seq: rows[1]!.seq });
  assert.equal(r.store.getConversation(conv.id)!.unread, 0);
  assert.equal(r.store.getConversation(conv.id)!.mentions, 0);
  r.store.close();
});

test('change notifications are batched: a burst of 200 messages is one notification', async () => {
  const r = await rig();
  r.adapter.online();
  const conv = channel(r);
  await new Promise((res) => setTimeout(res, 10));
  const seen: ChangeSet[] = [];
  r.engine.subscribe((c) => seen.push(c));
  for (let i = 0; i < 200; i++) r.adapter.emit(incoming(`burst ${i}`, { remoteId: `b${i}`, sentAt: 10_000 + i }));
  await settle(r.engine);
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0]!.timelines, [conv.id]);
  assert.equal(r.store.countMessages(conv.id), 200);
  r.store.close();
});

test('a message in a known conversation names its row, not the whole list; an unseen conversation changes the list', async () => {
  const r = await rig();
  r.adapter.online();
  const conv = channel(r);
  await new Promise((res) => setTimeout(res, 10));
  const seen: ChangeSet[] = [];
  r.engine.subscribe((c) => seen.push(c));
  r.adapter.emit(incoming('known', { remoteId: 'k1', sentAt: 20_000 }));
  await settle(r.engine);
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0]!.conversations, [conv.id], 'the row (unread count) is named');
  assert.deepEqual(seen[0]!.timelines, [conv.id]);
  assert.equal(r.engine.conversation(conv.id)!.unread, 1);

  seen.length = 0;
  r.adapter.emit({
    type: 'message',
    message: { conversation: { remoteId: 'Bob', kind: 'direct' }, senderId: 'Bob', direction: 'in', kind: 'text', body: 'hi', remoteId: 'q1', sentAt: 21_000 },
  });
  await settle(r.engine);
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.conversations, true, 'a conversation the message created changes the list');
  assert.ok(r.engine.conversations().some((c) => c.remoteId === 'Bob'));
  r.store.close();
});

test('actions: open a query with a message, search, close, load older history', async () => {
  const r = await rig();
  r.adapter.online('me');
  await settle(r.engine);
  const opened = await r.engine.dispatch({ type: 'open', accountId: 'net', address: 'Bob', body: 'hello bob' });
  assert.equal(opened.ok, true);
  const id = (opened as { conversationId: string }).conversationId;
  await settle(r.engine);
  assert.equal(r.store.getConversation(id)?.kind, 'direct');
  assert.equal(r.adapter.sent[0]?.conversation.remoteId, 'Bob');
  const found = await r.engine.dispatch({ type: 'search', query: 'hello' });
  assert.equal((found as { search: unknown[] }).search.length, 1);

  r.adapter.history_ = {
    messages: [
      { conversation: { remoteId: 'Bob', kind: 'direct' }, senderId: 'Bob', direction: 'in', kind: 'text', body: 'older one', remoteId: 'h1', sentAt: 10 },
      { conversation: { remoteId: 'Bob', kind: 'direct' }, senderId: 'Bob', direction: 'in', kind: 'text', body: 'older two', remoteId: 'h2', sentAt: 20 },
    ],
  };
  const older = await r.engine.dispatch({ type: 'load-older', conversationId: id });
  assert.equal(older.ok, true);
  assert.deepEqual(r.store.messages(id, { limit: 10 }).map((m) => m.body), ['older one', 'older two', 'hello bob']);
  const end = await r.engine.dispatch({ type: 'load-older', conversationId: id });
  assert.match((end as { info: string }).info, /beginning/);

  await r.engine.dispatch({ type: 'close', conversationId: id });
  assert.equal(r.engine.conversations().some((c) => c.id === id), false);
  r.store.close();
});

test('actions that need a connection say so in plain words', async () => {
  const r = await rig();
  const res = await r.engine.dispatch({ type: 'join', accountId: 'net', address: '#x' });
  assert.deepEqual(res, { ok: false, error: 'net is not connected; /connect net to retry' });
  const unknown = await r.engine.dispatch({ type: 'nick', accountId: 'nope', nick: 'x' });
  assert.equal(unknown.ok, false);
  r.store.close();
});

test('presence (away-notify) marks the member away in every conversation of the account', async () => {
  const r = await rig();
  r.adapter.online();
  const conv = channel(r);
  r.adapter.emit({ type: 'members', conversationRemoteId: '#natter', replace: [{ id: 'bob', name: 'bob', role: 'member' }] });
  r.adapter.emit({ type: 'presence', senderId: 'bob', away: true, status: 'lunch' });
  await settle(r.engine);
  assert.equal(r.engine.members(conv.id)[0]?.away, true);
  r.store.close();
});

test('a closed conversation comes back with the next live message, also when its upsert is cached', async () => {
  const r = await rig();
  r.adapter.online('me');
  const conv = channel(r);
  r.adapter.emit(incoming('first', { remoteId: 'c1', sentAt: 1 }));
  await settle(r.engine);
  await r.engine.dispatch({ type: 'close', conversationId: conv.id });
  assert.equal(r.engine.conversations().some((c) => c.id === conv.id), false);
  await new Promise((res) => setTimeout(res, 10));
  const seen: ChangeSet[] = [];
  r.engine.subscribe((c) => seen.push(c));
  r.adapter.emit(incoming('second', { remoteId: 'c2', sentAt: 2 }));
  await settle(r.engine);
  await new Promise((res) => setTimeout(res, 10));
  assert.equal(r.engine.conversations().some((c) => c.id === conv.id), true);
  assert.ok(seen.some((c) => c.conversations === true), 'the UI is told the list changed, so the reopened row appears');
  r.store.close();
});

test('typing notices reach the adapter only when it is online and supports them', async () => {
  const r = await rig();
  const conv = channel(r);
  const calls: Array<[string, boolean]> = [];
  r.adapter.setTyping = async (remoteId: string, active: boolean) => void calls.push([remoteId, active]);
  await r.engine.dispatch({ type: 'typing', conversationId: conv.id, active: true });
  assert.deepEqual(calls, [], 'offline: nothing sent');
  r.adapter.online();
  await settle(r.engine);
  await r.engine.dispatch({ type: 'typing', conversationId: conv.id, active: true });
  r.adapter.capabilities = { ...r.adapter.capabilities, typing: false };
  await r.engine.dispatch({ type: 'typing', conversationId: conv.id, active: false });
  assert.deepEqual(calls, [['#natter', true]]);
  r.store.close();
});

test('a receipt that arrives before the send settles is not undone by it (delivery only moves forward)', async () => {
  const r = await rig();
  const conv = channel(r);
  r.adapter.onSend = async (m) => {
    r.adapter.emit({ type: 'message.update', conversationRemoteId: '#natter', targetLocalId: m.localId, change: { kind: 'delivery', state: 'delivered' } });
    r.engine.drain();
    return { state: 'sent', remoteId: `r-${m.localId}` };
  };
  r.adapter.online();
  await settle(r.engine);
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'fast receipt' });
  await settle(r.engine);
  assert.equal(r.store.messages(conv.id, { limit: 1 })[0]?.delivery, 'delivered');
  r.store.close();
});

test('the send result says how the message was protected: stored on the own row; absent leaves it unencrypted', async () => {
  const r = await rig();
  const conv = channel(r);
  r.adapter.onSend = async (m) =>
    m.body === 'secret'
      ? { state: 'sent', remoteId: `r-${m.localId}`, encryption: { scheme: 'omemo:2', senderDevice: '1234', trust: 'verified' } }
      : { state: 'sent', remoteId: `r-${m.localId}` };
  r.adapter.online();
  await settle(r.engine);
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'secret' });
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'plain' });
  await settle(r.engine);
  const rows = r.store.messages(conv.id, { limit: 5 });
  assert.deepEqual(rows.find((m) => m.body === 'secret')?.encryption, { scheme: 'omemo:2', senderDevice: '1234', trust: 'verified' });
  assert.deepEqual(rows.find((m) => m.body === 'plain')?.encryption, { scheme: 'none' });
  r.store.close();
});
