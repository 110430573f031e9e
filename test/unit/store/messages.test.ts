import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { NatterError } from '../../../src/core/errors.js';
import type { Message } from '../../../src/core/model.js';
import { fixture, msg, put } from './helpers.js';

test('insertMessage stores every field and returns the stored message with its seq', () => {
  const { store, conv } = fixture();
  const r = store.insertMessage(
    msg(conv.id, {
      id: 'full',
      remoteId: 'r1',
      body: 'styled',
      spans: [{ text: 'styled', bold: true, fg: '4' }],
      replyTo: 'r0',
      encryption: { scheme: 'omemo:2', senderDevice: '42', trust: 'verified' },
      mentionsMe: true,
      ext: { 'irc.tags': { account: 'bob' } },
    }),
  );
  assert.equal(r.inserted, true);
  if (!r.inserted) return;
  assert.ok(r.message.seq > 0);
  const stored = store.getMessage('full');
  assert.deepEqual(stored, r.message);
  assert.deepEqual(stored?.spans, [{ text: 'styled', bold: true, fg: '4' }]);
  assert.deepEqual(stored?.encryption, { scheme: 'omemo:2', senderDevice: '42', trust: 'verified' });
  assert.deepEqual(stored?.ext, { 'irc.tags': { account: 'bob' } });
  assert.equal(stored?.replyTo, 'r0');
  assert.equal(stored?.retracted, false);
  assert.deepEqual(stored?.reactions, []);
  assert.equal(store.getMessage('nope'), undefined);
});

test('dedup by remote id is per conversation and returns the existing row', () => {
  const { store, conv } = fixture();
  const other = store.upsertConversation({ accountId: 'acct', remoteId: '#other', key: '#other', kind: 'channel' });
  const first = put(store, msg(conv.id, { id: 'a1', remoteId: 'same', body: 'first' }));
  const dup = store.insertMessage(msg(conv.id, { id: 'a2', remoteId: 'same', body: 'second copy' }));
  assert.equal(dup.inserted, false);
  assert.equal(dup.inserted ? undefined : dup.existing.id, 'a1');
  assert.equal(dup.inserted ? undefined : dup.existing.body, 'first');
  assert.equal(store.getMessage('a2'), undefined);
  // The same remote id in another conversation is another message.
  assert.equal(store.insertMessage(msg(other.id, { id: 'a3', remoteId: 'same' })).inserted, true);
  assert.equal(store.findByRemoteId(conv.id, 'same')?.seq, first.seq);
  assert.equal(store.findByRemoteId(other.id, 'same')?.id, 'a3');
  assert.equal(store.countMessages(conv.id), 1);
});

test('dedup by dedup key (protocols without ids) and by a repeated local id', () => {
  const { store, conv } = fixture();
  put(store, msg(conv.id, { id: 'k1', dedupKey: 'bob|1700|hash' }));
  const dup = store.insertMessage(msg(conv.id, { id: 'k2', dedupKey: 'bob|1700|hash' }));
  assert.equal(dup.inserted ? undefined : dup.existing.id, 'k1');
  const again = store.insertMessage(msg(conv.id, { id: 'k1', dedupKey: 'other' }));
  assert.equal(again.inserted ? undefined : again.existing.id, 'k1');
  assert.equal(store.countMessages(conv.id), 1);
  // A duplicate does not count as unread or activity.
  const c = store.getConversation(conv.id);
  assert.equal(c?.unread, 0);
});

test('countsUnread bumps unread and mentions, reopens a closed conversation; activity is the max sentAt', () => {
  const { store, conv } = fixture();
  store.setConversationClosed(conv.id, true);
  put(store, msg(conv.id, { sentAt: 5000, countsUnread: false }));
  let c = store.getConversation(conv.id);
  assert.equal(c?.unread, 0);
  assert.equal(c?.closed, true, 'history does not reopen');
  assert.equal(c?.lastActivityAt, 5000);
  put(store, msg(conv.id, { sentAt: 9000, countsUnread: true }));
  put(store, msg(conv.id, { sentAt: 7000, countsUnread: true, mentionsMe: true }));
  c = store.getConversation(conv.id);
  assert.equal(c?.unread, 2);
  assert.equal(c?.mentions, 1);
  assert.equal(c?.closed, false);
  assert.equal(c?.lastActivityAt, 9000, 'an older message does not move activity back');
  put(store, msg(conv.id, { sentAt: 1000, countsUnread: false, mentionsMe: true }));
  assert.equal(store.getConversation(conv.id)?.mentions, 1, 'mentions only count with countsUnread');
});

/** 12 messages, sentAt in groups of three equal values, inserted out of time order. */
function pagingData() {
  const f = fixture();
  const times = [300, 100, 200, 100, 300, 200, 400, 100, 400, 200, 300, 400];
  const all = times.map((t, i) => put(f.store, msg(f.conv.id, { id: `p${i}`, sentAt: t })));
  const ordered = [...all].sort((a, b) => a.sentAt - b.sentAt || a.seq - b.seq);
  return { ...f, ordered };
}
const ids = (list: Message[]) => list.map((m) => m.id);

test('messages(): newest page, before and after cursors across equal sentAt, oldest first', () => {
  const { store, conv, ordered } = pagingData();
  assert.deepEqual(ids(store.messages(conv.id, { limit: 5 })), ids(ordered.slice(-5)));
  assert.deepEqual(ids(store.messages(conv.id, { limit: 100 })), ids(ordered));
  const cursor = ordered[6] as Message;
  assert.deepEqual(ids(store.messages(conv.id, { before: cursor, limit: 4 })), ids(ordered.slice(2, 6)));
  assert.deepEqual(ids(store.messages(conv.id, { after: cursor, limit: 4 })), ids(ordered.slice(7, 11)));
  assert.deepEqual(ids(store.messages(conv.id, { before: ordered[0] as Message, limit: 4 })), []);
  assert.deepEqual(ids(store.messages(conv.id, { after: ordered[2] as Message, before: ordered[6] as Message, limit: 10 })), ids(ordered.slice(3, 6)));
  assert.deepEqual(store.messages('other-conversation', { limit: 5 }), []);
});

test('messages(): walking backwards and forwards page by page visits every message exactly once', () => {
  const { store, conv, ordered } = pagingData();
  const back: Message[] = [];
  let page = store.messages(conv.id, { limit: 5 });
  while (page.length > 0) {
    back.unshift(...page);
    page = store.messages(conv.id, { before: page[0] as Message, limit: 5 });
  }
  assert.deepEqual(ids(back), ids(ordered));
  const forward: Message[] = [];
  page = store.messages(conv.id, { after: { sentAt: 0, seq: 0 }, limit: 5 });
  while (page.length > 0) {
    forward.push(...page);
    page = store.messages(conv.id, { after: page[page.length - 1] as Message, limit: 5 });
  }
  assert.deepEqual(ids(forward), ids(ordered));
});

test('countMessages and oldestMessage (the oldest one with a remote id first)', () => {
  const { store, conv } = fixture();
  assert.equal(store.oldestMessage(conv.id), undefined);
  put(store, msg(conv.id, { id: 'sys', kind: 'system', sentAt: 10 }));
  assert.equal(store.oldestMessage(conv.id)?.id, 'sys');
  put(store, msg(conv.id, { id: 'r-late', remoteId: 'x2', sentAt: 30 }));
  put(store, msg(conv.id, { id: 'r-early', remoteId: 'x1', sentAt: 20 }));
  assert.equal(store.oldestMessage(conv.id)?.id, 'r-early');
  assert.equal(store.countMessages(conv.id), 3);
});

test('outbox: pending own messages in creation order, per account or all', () => {
  const { store, conv } = fixture();
  store.upsertAccount({ id: 'acct2', protocol: 'xmpp' });
  const conv2 = store.upsertConversation({ accountId: 'acct2', remoteId: 'bob@x', key: 'bob@x', kind: 'direct' });
  const own = { direction: 'out' as const, senderId: 'me', senderName: 'me', delivery: 'pending' as const };
  put(store, msg(conv.id, { id: 'o1', ...own, sentAt: 900 }));
  put(store, msg(conv2.id, { id: 'o2', accountId: 'acct2', ...own, sentAt: 100 }));
  put(store, msg(conv.id, { id: 'o3', ...own, sentAt: 500 }));
  put(store, msg(conv.id, { id: 'sent', ...own, delivery: 'sent' }));
  put(store, msg(conv.id, { id: 'incoming' }));
  assert.deepEqual(ids(store.outbox()), ['o1', 'o2', 'o3']);
  assert.deepEqual(ids(store.outbox('acct')), ['o1', 'o3']);
  assert.deepEqual(ids(store.outbox('acct2')), ['o2']);
  store.updateMessage('o1', { delivery: 'sent', remoteId: 'srv-1' });
  store.updateMessage('o3', { delivery: 'failed', failure: 'no such channel' });
  assert.deepEqual(ids(store.outbox()), ['o2']);
});

test('findUnconfirmedOwn: same conversation and body, pending, within the window, oldest first', () => {
  const { store, conv } = fixture();
  const other = store.upsertConversation({ accountId: 'acct', remoteId: '#b', key: '#b', kind: 'channel' });
  const own = { direction: 'out' as const, senderId: 'me', senderName: 'me', delivery: 'pending' as const, body: 'hi all' };
  put(store, msg(conv.id, { id: 'late', ...own, sentAt: 10_500 }));
  put(store, msg(conv.id, { id: 'early', ...own, sentAt: 9_800 }));
  put(store, msg(other.id, { id: 'elsewhere', ...own, sentAt: 10_000 }));
  put(store, msg(conv.id, { id: 'theirs', body: 'hi all', sentAt: 10_000 }));
  assert.equal(store.findUnconfirmedOwn(conv.id, 'hi all', 10_000, 1_000)?.id, 'early');
  assert.equal(store.findUnconfirmedOwn(conv.id, 'hi all', 10_000, 100)?.id, undefined);
  assert.equal(store.findUnconfirmedOwn(conv.id, 'hi all', 10_400, 100)?.id, 'late');
  assert.equal(store.findUnconfirmedOwn(conv.id, 'hi al', 10_000, 5_000), undefined);
  store.updateMessage('early', { delivery: 'sent' });
  assert.equal(store.findUnconfirmedOwn(conv.id, 'hi all', 10_000, 1_000)?.id, 'late');
});

test('updateMessage: patches fields, null clears spans/failure, unknown id gives undefined', () => {
  const { store, conv } = fixture();
  put(store, msg(conv.id, { id: 'u', body: 'old', spans: [{ text: 'old', bold: true }], direction: 'out', delivery: 'pending' }));
  let m = store.updateMessage('u', { delivery: 'failed', failure: 'refused' });
  assert.equal(m?.delivery, 'failed');
  assert.equal(m?.failure, 'refused');
  assert.equal(m?.body, 'old', 'untouched fields stay');
  assert.deepEqual(m?.spans, [{ text: 'old', bold: true }]);
  m = store.updateMessage('u', { body: 'new', spans: null, failure: null, editedAt: 77, sentAt: 5, remoteId: 'R' });
  assert.equal(m?.body, 'new');
  assert.equal(m?.spans, undefined);
  assert.equal(m?.failure, undefined);
  assert.equal(m?.editedAt, 77);
  assert.equal(m?.sentAt, 5);
  assert.equal(m?.remoteId, 'R');
  m = store.updateMessage('u', { retracted: true });
  assert.equal(m?.retracted, true);
  assert.deepEqual(store.getMessage('u'), m);
  assert.equal(store.updateMessage('missing', { body: 'x' }), undefined);
});

test('updateMessage: the dedup key given on confirmation makes a later replay of the message a duplicate', () => {
  const { store, conv } = fixture();
  put(store, msg(conv.id, { id: 'own', direction: 'out', delivery: 'pending', body: 'hi all' }));
  store.updateMessage('own', { delivery: 'sent', sentAt: 42_000, dedupKey: 'me|42000|hi all' });
  // A bouncer replays the message without a msgid: same sender, server time and text, so the same key.
  const replay = store.insertMessage(msg(conv.id, { id: 'replay', direction: 'out', body: 'hi all', dedupKey: 'me|42000|hi all' }));
  assert.equal(replay.inserted, false);
  assert.equal(replay.inserted ? undefined : replay.existing.id, 'own');
  // A later patch without a key keeps it.
  store.updateMessage('own', { delivery: 'delivered' });
  assert.equal(store.insertMessage(msg(conv.id, { id: 'again', dedupKey: 'me|42000|hi all' })).inserted, false);
});

test('updateMessage: a dedup key another message already holds is left to it, the rest of the patch applies', () => {
  const { store, conv } = fixture();
  put(store, msg(conv.id, { id: 'replayed-first', dedupKey: 'me|7|hey' }));
  put(store, msg(conv.id, { id: 'own', direction: 'out', delivery: 'pending', body: 'hey' }));
  const m = store.updateMessage('own', { delivery: 'sent', sentAt: 7, dedupKey: 'me|7|hey' });
  assert.equal(m?.delivery, 'sent');
  assert.equal(m?.sentAt, 7);
  assert.equal(store.insertMessage(msg(conv.id, { id: 'third', dedupKey: 'me|7|hey' })).inserted, false);
});

test('updateMessage: giving a remote id another message already has is a NatterError', () => {
  const { store, conv } = fixture();
  put(store, msg(conv.id, { id: 'x1', remoteId: 'taken' }));
  put(store, msg(conv.id, { id: 'x2' }));
  assert.throws(() => store.updateMessage('x2', { remoteId: 'taken' }), NatterError);
  assert.equal(store.getMessage('x2')?.remoteId, undefined);
});

test('reactions: add (idempotent), remove, grouped by key in first-seen order, shown on pages', () => {
  const { store, conv } = fixture();
  put(store, msg(conv.id, { id: 'r' }));
  put(store, msg(conv.id, { id: 'plain' }));
  store.setReaction('r', 'alice', '👍', true);
  store.setReaction('r', 'carol', '🎉', true);
  store.setReaction('r', 'dave', '👍', true);
  const m = store.setReaction('r', 'alice', '👍', true);
  assert.deepEqual(m?.reactions, [
    { key: '👍', senders: ['alice', 'dave'] },
    { key: '🎉', senders: ['carol'] },
  ]);
  store.setReaction('r', 'carol', '🎉', false);
  const page = store.messages(conv.id, { limit: 10 });
  assert.deepEqual(page.find((x) => x.id === 'r')?.reactions, [{ key: '👍', senders: ['alice', 'dave'] }]);
  assert.deepEqual(page.find((x) => x.id === 'plain')?.reactions, []);
  assert.equal(store.setReaction('missing', 'a', 'x', true), undefined);
});

test('transaction: commits at the end, rolls back on throw; nested calls join the outer one', () => {
  const { store, conv } = fixture();
  assert.throws(() =>
    store.transaction(() => {
      put(store, msg(conv.id, { id: 't1' }));
      throw new Error('abort');
    }),
  );
  assert.equal(store.getMessage('t1'), undefined);

  const value = store.transaction(() => {
    put(store, msg(conv.id, { id: 't2' }));
    const inner = store.transaction(() => {
      put(store, msg(conv.id, { id: 't3' }));
      return 'inner';
    });
    // A nested failure the outer code handles: only the nested part is undone.
    try {
      store.transaction(() => {
        put(store, msg(conv.id, { id: 't4' }));
        throw new Error('nested');
      });
    } catch {
      // handled
    }
    return inner;
  });
  assert.equal(value, 'inner');
  assert.ok(store.getMessage('t2'));
  assert.ok(store.getMessage('t3'));
  assert.equal(store.getMessage('t4'), undefined);

  // An inner success is still undone when the outer one fails.
  assert.throws(() =>
    store.transaction(() => {
      store.transaction(() => put(store, msg(conv.id, { id: 't5' })));
      throw new Error('outer');
    }),
  );
  assert.equal(store.getMessage('t5'), undefined);
  // And the store still works afterwards.
  put(store, msg(conv.id, { id: 't6' }));
  assert.ok(store.getMessage('t6'));
});
