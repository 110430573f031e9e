// Engine rules for rich messages: who may edit or retract, alt-id targets, replies, reactions, edits and deletions
// through the adapter, uploads through the persistent outbox (also across a restart), invitations, activity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Capabilities } from '../../../src/core/contract.js';
import { Engine } from '../../../src/core/engine/engine.js';
import { silentLogger } from '../../../src/core/logger.js';
import { openStore } from '../../../src/store/open-store.js';
import type { Store } from '../../../src/store/types.js';
import { FakeAdapter } from './fake-adapter.js';

/** The scripted adapter plus the optional rich-message methods, recording every call. */
class RichAdapter extends FakeAdapter {
  calls: Array<{ method: string; args: unknown[] }> = [];
  constructor(caps: Partial<Capabilities>) {
    super();
    this.capabilities = { ...this.capabilities, ...caps };
  }
  async edit(...args: unknown[]): Promise<void> {
    this.calls.push({ method: 'edit', args });
  }
  async react(...args: unknown[]): Promise<void> {
    this.calls.push({ method: 'react', args });
  }
  async retract(...args: unknown[]): Promise<void> {
    this.calls.push({ method: 'retract', args });
  }
  async declineInvite(...args: unknown[]): Promise<void> {
    this.calls.push({ method: 'declineInvite', args });
  }
  async setActive(...args: unknown[]): Promise<void> {
    this.calls.push({ method: 'setActive', args });
  }
  of(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }
}

const all: Partial<Capabilities> = { edits: true, reactions: true, replies: true, retraction: true, uploads: true };

interface Rig {
  dir: string;
  store: Store;
  engine: Engine;
  adapter: RichAdapter;
}

async function rig(caps: Partial<Capabilities> = all, dir = mkdtempSync(join(tmpdir(), 'natter-rich-'))): Promise<Rig> {
  const store = openStore(dir);
  const adapters: RichAdapter[] = [];
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
          const a = new RichAdapter(caps);
          adapters.push(a);
          return a;
        },
      },
    ],
  });
  await engine.start();
  return { dir, store, engine, adapter: adapters[0]! };
}

async function settle(engine: Engine): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setImmediate(r));
    engine.drain();
  }
}

function channel(r: Rig) {
  r.adapter.emit({ type: 'conversation', conversation: { remoteId: '#natter', kind: 'channel', joined: true } });
  r.engine.drain();
  return r.store.findConversation('net', '#natter')!;
}

function incoming(r: Rig, body: string, extra: Record<string, unknown> = {}) {
  r.adapter.emit({
    type: 'message',
    message: { conversation: { remoteId: '#natter', kind: 'channel' }, senderId: 'bob', direction: 'in', kind: 'text', body, ...extra },
  });
  r.engine.drain();
}

const find = (r: Rig, convId: string, body: string) => r.store.messages(convId, { limit: 100 }).find((m) => m.body === body);
const byRemote = (r: Rig, convId: string, id: string) => r.store.findByRemoteId(convId, id)!;

test('an edit applies only when made by the original sender; spoofed and anonymous edits of others are ignored', async () => {
  const r = await rig();
  const conv = channel(r);
  incoming(r, 'original', { remoteId: 'b1' });
  const update = (change: Record<string, unknown>) => {
    r.adapter.emit({ type: 'message.update', conversationRemoteId: '#natter', targetRemoteId: 'b1', change: change as never });
    r.engine.drain();
  };
  update({ kind: 'edit', body: 'spoofed', editedAt: 5, by: 'mallory' });
  update({ kind: 'edit', body: 'anonymous', editedAt: 6 });
  assert.equal(byRemote(r, conv.id, 'b1').body, 'original');
  assert.equal(byRemote(r, conv.id, 'b1').editedAt, undefined);
  update({ kind: 'edit', body: 'corrected', editedAt: 7, by: 'BOB' });
  assert.equal(byRemote(r, conv.id, 'b1').body, 'corrected', 'the sender (case-folded the account way) may edit');
  assert.equal(byRemote(r, conv.id, 'b1').editedAt, 7);

  // Our own message reported back without `by` (carbon, own server) is ours to edit.
  r.adapter.emit({
    type: 'message',
    message: { conversation: { remoteId: '#natter', kind: 'channel' }, remoteId: 'o1', senderId: 'me', direction: 'out', kind: 'text', body: 'mine' },
  });
  r.engine.drain();
  r.adapter.emit({ type: 'message.update', conversationRemoteId: '#natter', targetRemoteId: 'o1', change: { kind: 'edit', body: 'mine, fixed', editedAt: 9 } });
  r.engine.drain();
  assert.equal(byRemote(r, conv.id, 'o1').body, 'mine, fixed');
  r.store.close();
});

test('a retraction applies from the sender or a moderator (with reason), never from anyone else; the text leaves search', async () => {
  const r = await rig();
  const conv = channel(r);
  incoming(r, 'secret plans', { remoteId: 'b1' });
  incoming(r, 'rude words', { remoteId: 'b2' });
  const retract = (target: string, change: Record<string, unknown>) => {
    r.adapter.emit({ type: 'message.update', conversationRemoteId: '#natter', targetRemoteId: target, change: { kind: 'retract', ...change } });
    r.engine.drain();
  };
  retract('b1', { by: 'mallory' });
  assert.equal(byRemote(r, conv.id, 'b1').retracted, false);
  assert.equal(r.store.search('plans').length, 1);
  retract('b1', { by: 'bob' });
  const gone = byRemote(r, conv.id, 'b1');
  assert.equal(gone.retracted, true);
  assert.equal(gone.body, '', 'the row keeps no text, only the placeholder state');
  assert.deepEqual(gone.retraction, { by: 'bob' });
  assert.equal(r.store.search('plans').length, 0, 'nor does the search index');

  retract('b2', { by: 'op', moderated: true, reason: 'be nice\x1b[2J' });
  const removed = byRemote(r, conv.id, 'b2');
  assert.equal(removed.retracted, true);
  assert.deepEqual(removed.retraction, { by: 'op', moderated: true, reason: 'be nice' });
  r.store.close();
});

test('update targets resolve by remote id and by alt ids (XMPP origin-id), also for own confirmed messages', async () => {
  const r = await rig();
  const conv = channel(r);
  incoming(r, 'hello', { remoteId: 'stanza-1', altIds: ['origin-1'] });
  r.adapter.emit({
    type: 'message.update',
    conversationRemoteId: '#natter',
    targetRemoteId: 'origin-1',
    change: { kind: 'reaction', senderId: 'carol', key: '👍', add: true },
  });
  r.engine.drain();
  assert.deepEqual(byRemote(r, conv.id, 'stanza-1').reactions, [{ key: '👍', senders: ['carol'] }]);
  assert.equal(r.store.findByAnyId(conv.id, 'origin-1')?.body, 'hello');

  // An own message confirmed by its reflection learns the reflection's alt ids.
  r.adapter.online();
  await settle(r.engine);
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'mine' });
  await settle(r.engine);
  const own = find(r, conv.id, 'mine')!;
  r.adapter.emit({
    type: 'message',
    message: { conversation: { remoteId: '#natter', kind: 'channel' }, localId: own.id, remoteId: own.remoteId, altIds: ['mine-origin'], senderId: 'me', direction: 'out', kind: 'text', body: 'mine' },
  });
  r.engine.drain();
  assert.equal(r.store.findByAnyId(conv.id, 'mine-origin')?.id, own.id);
  r.store.close();
});

test('reply: sends replyTo = the target remote id (selected, else the last message from someone else); the page shows the quote', async () => {
  const r = await rig();
  const conv = channel(r);
  r.adapter.online();
  incoming(r, 'first question', { remoteId: 'q1' });
  incoming(r, 'second question', { remoteId: 'q2' });
  await settle(r.engine);
  assert.deepEqual(await r.engine.dispatch({ type: 'reply', conversationId: conv.id, body: 'answer to the last' }), { ok: true });
  const q1 = byRemote(r, conv.id, 'q1');
  await r.engine.dispatch({ type: 'reply', conversationId: conv.id, body: 'answer to the first', messageId: q1.id });
  await settle(r.engine);
  assert.deepEqual(r.adapter.sent.map((m) => [m.body, m.replyTo]), [
    ['answer to the last', 'q2'],
    ['answer to the first', 'q1'],
  ]);
  const page = r.engine.messages(conv.id, { limit: 10 });
  const answer = page.find((m) => m.body === 'answer to the first')!;
  assert.deepEqual(answer.replyPreview, { senderName: 'bob', body: 'first question' });
  // A reply to a message that is not stored has no preview (the UI says "a message not loaded").
  incoming(r, 'context lost', { remoteId: 'q3', replyTo: 'unknown' });
  assert.equal(r.engine.messages(conv.id, { limit: 10 }).find((m) => m.body === 'context lost')!.replyPreview, undefined);
  r.store.close();
});

test('react toggles the own reaction through the adapter; edit and delete go through it for sent messages', async () => {
  const r = await rig();
  const conv = channel(r);
  r.adapter.online('me');
  incoming(r, 'nice', { remoteId: 'b1' });
  await settle(r.engine);
  await r.engine.dispatch({ type: 'react', conversationId: conv.id, key: '🎉' });
  assert.deepEqual(byRemote(r, conv.id, 'b1').reactions, [{ key: '🎉', senders: ['me'] }]);
  await r.engine.dispatch({ type: 'react', conversationId: conv.id, key: '🎉' });
  assert.deepEqual(byRemote(r, conv.id, 'b1').reactions, []);
  assert.deepEqual(r.adapter.of('react'), [
    ['b1', '#natter', '🎉', true],
    ['b1', '#natter', '🎉', false],
  ]);

  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'typo here' });
  await settle(r.engine);
  const mine = find(r, conv.id, 'typo here')!;
  assert.deepEqual(await r.engine.dispatch({ type: 'edit', conversationId: conv.id, body: 'no typo here' }), { ok: true });
  assert.deepEqual(r.adapter.of('edit'), [[mine.remoteId, '#natter', 'no typo here']]);
  const edited = r.store.getMessage(mine.id)!;
  assert.equal(edited.body, 'no typo here');
  assert.ok(edited.editedAt);

  const theirs = byRemote(r, conv.id, 'b1');
  const refused = await r.engine.dispatch({ type: 'edit', conversationId: conv.id, body: 'x', messageId: theirs.id });
  assert.deepEqual(refused, { ok: false, error: 'you can only edit your own messages' });

  assert.deepEqual(await r.engine.dispatch({ type: 'retract', conversationId: conv.id }), { ok: true });
  assert.deepEqual(r.adapter.of('retract'), [[mine.remoteId, '#natter']]);
  assert.equal(r.store.getMessage(mine.id)!.retracted, true);
  r.store.close();
});

test('capabilities gate each action with a plain error', async () => {
  const r = await rig({});
  const conv = channel(r);
  r.adapter.online();
  incoming(r, 'hi', { remoteId: 'b1' });
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'mine' });
  await settle(r.engine);
  const err = async (action: Parameters<Engine['dispatch']>[0]) => (await r.engine.dispatch(action)) as { ok: false; error: string };
  assert.equal((await err({ type: 'react', conversationId: conv.id, key: '👍' })).error, 'IRC on this server has no reactions');
  assert.equal((await err({ type: 'reply', conversationId: conv.id, body: 'x' })).error, 'IRC on this server has no replies');
  assert.equal((await err({ type: 'edit', conversationId: conv.id, body: 'x' })).error, 'IRC on this server has no message editing');
  assert.equal((await err({ type: 'retract', conversationId: conv.id })).error, 'IRC on this server has no message deletion');
  assert.equal((await err({ type: 'upload', conversationId: conv.id, path: '/etc/hostname' })).error, 'IRC on this server has no file uploads');
  assert.equal(r.adapter.calls.length, 0);
  r.store.close();
});

test('editing or deleting a still-pending message rewrites the outbox row; the send uses the new text', async () => {
  const r = await rig();
  const conv = channel(r);
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'draft one' });
  const res = await r.engine.dispatch({ type: 'edit', conversationId: conv.id, body: 'draft two' });
  assert.deepEqual(res, { ok: true, info: 'changed before sending' });
  await r.engine.dispatch({ type: 'send', conversationId: conv.id, body: 'never mind' });
  assert.equal((await r.engine.dispatch({ type: 'retract', conversationId: conv.id })).ok, true);
  r.adapter.online();
  await settle(r.engine);
  assert.deepEqual(r.adapter.sent.map((m) => m.body), ['draft two'], 'the edited text goes out once, the deleted one never');
  assert.equal(r.adapter.calls.length, 0, 'nothing was edited or retracted on the server');
  r.store.close();
});

test('uploads: the file is checked; a pending upload survives a restart and is sent once with its attachment; progress shows', async () => {
  const home = mkdtempSync(join(tmpdir(), 'natter-home-'));
  const file = join(home, 'cat picture.png');
  writeFileSync(file, Buffer.alloc(1234));
  mkdirSync(join(home, 'dir'));
  const first = await rig();
  const conv = channel(first);
  const error = async (path: string) => ((await first.engine.dispatch({ type: 'upload', conversationId: conv.id, path })) as { error?: string }).error;
  assert.equal(await error(join(home, 'missing.txt')), `no such file: ${join(home, 'missing.txt')}`);
  assert.equal(await error(join(home, 'dir')), `${join(home, 'dir')} is a directory: /upload sends one file`);
  if (process.getuid?.() !== 0) {
    const locked = join(home, 'locked.txt');
    writeFileSync(locked, 'x');
    chmodSync(locked, 0o000);
    assert.equal(await error(locked), `cannot read ${locked}: permission denied`);
  }
  const queued = await first.engine.dispatch({ type: 'upload', conversationId: conv.id, path: file });
  assert.equal(queued.ok, true);
  const [pending] = first.store.outbox('net');
  assert.deepEqual(pending!.attachments, [{ url: `file://${encodeURI(file)}`, name: 'cat picture.png', size: 1234, mime: 'image/png' }]);
  await first.engine.stop();
  first.store.close();

  const again = await rig(all, first.dir);
  let release!: () => void;
  again.adapter.onSend = (m) =>
    new Promise((resolve) => {
      release = () => resolve({ state: 'sent', remoteId: `r-${m.localId}` });
    });
  again.adapter.online();
  await settle(again.engine);
  assert.equal(again.adapter.sent.length, 1);
  assert.deepEqual(again.adapter.sent[0]!.attachment, { path: file, name: 'cat picture.png', size: 1234, mime: 'image/png' });
  again.adapter.emit({ type: 'transfer', localId: pending!.id, sent: 617, total: 1234 });
  again.engine.drain();
  assert.deepEqual(again.engine.messages(conv.id, { limit: 5 })[0]!.transfer, { sent: 617, total: 1234 });
  release();
  await settle(again.engine);
  const done = again.engine.messages(conv.id, { limit: 5 })[0]!;
  assert.equal(done.delivery, 'sent');
  assert.equal(done.transfer, undefined, 'progress ends with the send');
  again.adapter.online();
  await settle(again.engine);
  assert.equal(again.adapter.sent.length, 1, 'sent exactly once');
  // The server's reflection names the uploaded file's link: it replaces the local path.
  again.adapter.emit({
    type: 'message',
    message: {
      conversation: { remoteId: '#natter', kind: 'channel' }, localId: pending!.id, remoteId: `r-${pending!.id}`, senderId: 'me',
      direction: 'out', kind: 'text', body: '', attachments: [{ url: 'https://up.example/x/cat%20picture.png', name: 'cat picture.png', size: 1234 }],
    },
  });
  again.engine.drain();
  assert.deepEqual(again.store.getMessage(pending!.id)!.attachments, [{ url: 'https://up.example/x/cat%20picture.png', name: 'cat picture.png', size: 1234 }]);
  again.store.close();
});

test('invitations: upserts carry invitedBy; /decline refuses and closes; /join accepts', async () => {
  const r = await rig();
  r.adapter.online();
  r.adapter.emit({ type: 'conversation', conversation: { remoteId: '#secret', kind: 'channel', invitedBy: 'bob' } });
  r.adapter.emit({ type: 'conversation', conversation: { remoteId: '#party', kind: 'channel', invitedBy: 'carol' } });
  r.engine.drain();
  const secret = r.store.findConversation('net', '#secret')!;
  assert.equal(secret.invitedBy, 'bob');
  assert.deepEqual(await r.engine.dispatch({ type: 'decline', conversationId: secret.id }), { ok: true, info: 'declined the invitation from bob' });
  assert.deepEqual(r.adapter.of('declineInvite'), [['#secret']]);
  const declined = r.store.getConversation(secret.id)!;
  assert.equal(declined.invitedBy, undefined);
  assert.equal(declined.closed, true);

  const party = r.store.findConversation('net', '#party')!;
  const joined = await r.engine.dispatch({ type: 'join', accountId: 'net', address: '#party' });
  assert.deepEqual(joined, { ok: true, conversationId: party.id });
  assert.equal(r.store.getConversation(party.id)!.invitedBy, undefined);
  assert.equal((await r.engine.dispatch({ type: 'decline', conversationId: party.id })).ok, false);
  r.store.close();
});

test('activity: adapters hear setActive once per change, and an idle user is reported to a fresh connection', async () => {
  const r = await rig();
  r.adapter.online();
  await settle(r.engine);
  await r.engine.dispatch({ type: 'activity', active: false });
  await r.engine.dispatch({ type: 'activity', active: false });
  assert.deepEqual(r.adapter.of('setActive'), [[false]]);
  r.adapter.offline();
  r.adapter.online();
  await settle(r.engine);
  assert.deepEqual(r.adapter.of('setActive'), [[false], [false]]);
  await r.engine.dispatch({ type: 'activity', active: true });
  assert.deepEqual(r.adapter.of('setActive'), [[false], [false], [true]]);
  r.store.close();
});

test('typing shows the sender name the adapter gives', async () => {
  const r = await rig();
  const conv = channel(r);
  r.adapter.emit({ type: 'typing', conversationRemoteId: '#natter', senderId: '@bob:example.org', senderName: 'Bob', active: true });
  r.engine.drain();
  assert.deepEqual(r.engine.typing(conv.id), ['Bob']);
  r.store.close();
});
