/**
 * Per-account privacy (`send_typing`, `send_receipts`) and the `/notify` level stored with a conversation, against
 * the engine with a scripted adapter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../src/core/engine/engine.js';
import { silentLogger } from '../../../src/core/logger.js';
import { conversationLevel } from '../../../src/core/notify/policy.js';
import { openStore } from '../../../src/store/open-store.js';
import { FakeAdapter } from './fake-adapter.js';

/** A FakeAdapter that records every typing notice and read marker the engine asks for. */
class RecordingAdapter extends FakeAdapter {
  typingCalls: Array<[string, boolean]> = [];
  readCalls: Array<[string, string]> = [];
  override setTyping = async (remoteId: string, active: boolean): Promise<void> => {
    this.typingCalls.push([remoteId, active]);
  };
  async markRead(remoteId: string, upTo: string): Promise<void> {
    this.readCalls.push([remoteId, upTo]);
  }
}

async function rig(config: Record<string, unknown>, keywords?: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'natter-privacy-'));
  const store = openStore(dir);
  const adapters: RecordingAdapter[] = [];
  const engine = new Engine({
    store,
    log: silentLogger,
    batchMs: 1,
    keywords,
    accounts: [{ id: 'net', protocol: 'irc', enabled: true, config, secret: async () => undefined, factory: () => {
      const a = new RecordingAdapter();
      adapters.push(a);
      return a;
    } }],
  });
  await engine.start();
  const adapter = adapters[0]!;
  adapter.online();
  adapter.emit({ type: 'conversation', conversation: { remoteId: '#natter', kind: 'channel', joined: true } });
  for (const [id, body] of [['r1', 'one'], ['r2', 'two']] as const) {
    adapter.emit({ type: 'message', message: { conversation: { remoteId: '#natter', kind: 'channel' }, remoteId: id, senderId: 'bob', direction: 'in', kind: 'text', body } });
  }
  engine.drain();
  const conv = store.findConversation('net', '#natter')!;
  const close = () => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { engine, store, adapter, conv, close };
}

async function typeAndRead(r: Awaited<ReturnType<typeof rig>>): Promise<void> {
  await r.engine.dispatch({ type: 'typing', conversationId: r.conv.id, active: true });
  const rows = r.store.messages(r.conv.id, { limit: 10 });
  const res = await r.engine.dispatch({ type: 'mark-read', conversationId: r.conv.id, seq: rows.at(-1)!.seq });
  assert.deepEqual(res, { ok: true });
  assert.equal(r.store.getConversation(r.conv.id)!.unread, 0, 'the local read state is kept either way');
}

test('by default typing notices and the read marker (newest read message) reach the adapter', async () => {
  const r = await rig({});
  try {
    await typeAndRead(r);
    assert.deepEqual(r.adapter.typingCalls, [['#natter', true]]);
    assert.deepEqual(r.adapter.readCalls, [['#natter', 'r2']]);
    // Nothing new was read: no second marker.
    await r.engine.dispatch({ type: 'mark-read', conversationId: r.conv.id, seq: r.store.messages(r.conv.id, { limit: 10 }).at(-1)!.seq });
    assert.equal(r.adapter.readCalls.length, 1);
  } finally {
    r.close();
  }
});

test('send_typing = false and send_receipts = false: the adapter never hears of typing or reading', async () => {
  const r = await rig({ send_typing: false, send_receipts: false });
  try {
    await typeAndRead(r);
    await r.engine.dispatch({ type: 'typing', conversationId: r.conv.id, active: false });
    assert.deepEqual(r.adapter.typingCalls, []);
    assert.deepEqual(r.adapter.readCalls, []);
  } finally {
    r.close();
  }
});

test('send_typing = false alone still sends read markers', async () => {
  const r = await rig({ send_typing: false });
  try {
    await typeAndRead(r);
    assert.deepEqual(r.adapter.typingCalls, []);
    assert.deepEqual(r.adapter.readCalls, [['#natter', 'r2']]);
  } finally {
    r.close();
  }
});

test('/notify stores the level with the conversation (kept across adapter upserts), default removes it', async () => {
  const r = await rig({});
  try {
    const res = await r.engine.dispatch({ type: 'protocol', accountId: 'net', name: 'notify', args: ['none'], conversationId: r.conv.id });
    assert.equal(res.ok, true);
    assert.equal(conversationLevel(r.engine.conversation(r.conv.id)!), 'none');
    assert.deepEqual(r.adapter.commands, [], 'handled by the engine, never sent to the server');
    r.adapter.emit({ type: 'conversation', conversation: { remoteId: '#natter', kind: 'channel', topic: 'new topic', ext: { other: 1 } } });
    r.engine.drain();
    assert.equal(conversationLevel(r.engine.conversation(r.conv.id)!), 'none');
    assert.equal(r.store.listConversations().filter((c) => c.remoteId.toLowerCase() === '#natter').length, 1);
    await r.engine.dispatch({ type: 'protocol', accountId: 'net', name: 'notify', args: ['default'], conversationId: r.conv.id });
    assert.equal(conversationLevel(r.engine.conversation(r.conv.id)!), undefined);
    assert.deepEqual(
      await r.engine.dispatch({ type: 'protocol', accountId: 'net', name: 'notify', args: ['loud'], conversationId: r.conv.id }),
      { ok: false, error: 'usage: /notify all|mentions|none|default' },
    );
  } finally {
    r.close();
  }
});

test('[notifications] keywords make incoming messages mentions (highlight and count), as whole words only', async () => {
  const r = await rig({}, ['deploy']);
  try {
    for (const [id, body] of [['k1', 'the Deploy is done'], ['k2', 'redeploy later']] as const) {
      r.adapter.emit({ type: 'message', message: { conversation: { remoteId: '#natter', kind: 'channel' }, remoteId: id, senderId: 'bob', direction: 'in', kind: 'text', body } });
    }
    r.engine.drain();
    const rows = r.store.messages(r.conv.id, { limit: 10 });
    assert.deepEqual(rows.map((m) => [m.body, m.mentionsMe]), [['one', false], ['two', false], ['the Deploy is done', true], ['redeploy later', false]]);
    assert.equal(r.store.getConversation(r.conv.id)!.mentions, 1);
  } finally {
    r.close();
  }
});
