import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterEvent, IncomingMessage } from '../../../src/core/contract.js';
import { RichState } from '../../../adapters/xmpp/rich-state.js';

const BOB = 'bob@example.org';
const msg = (remoteId: string, altIds: string[] = []): IncomingMessage => ({
  conversation: { remoteId: BOB, kind: 'direct' },
  remoteId,
  altIds,
  senderId: BOB,
  direction: 'in',
  kind: 'text',
  body: remoteId,
});
const edit = (target: string): AdapterEvent => ({
  type: 'message.update',
  conversationRemoteId: BOB,
  targetRemoteId: target,
  change: { kind: 'edit', body: `fixed ${target}`, editedAt: 1, by: BOB },
});

test('history pages: a change met before its message (paging backwards) is emitted again after the page that brings it', () => {
  const r = new RichState();
  // Newest page: a correction of b-1, whose message is older; and one of a message in the same page.
  assert.deepEqual(r.historyUpdates([msg('S-5', ['b-5'])], [edit('b-1'), edit('b-5')]), [edit('b-1'), edit('b-5')]);
  // An unrelated page changes nothing.
  assert.deepEqual(r.historyUpdates([msg('S-3', ['b-3'])], []), []);
  // The page with the original (known by its alt id): the waiting correction follows it, once.
  assert.deepEqual(r.historyUpdates([msg('S-1', ['b-1'])], []), [edit('b-1')]);
  assert.deepEqual(r.historyUpdates([msg('S-1', ['b-1'])], []), []);
});

test('markers: the newest markable message up to the one named; displayed covers own messages sent before', () => {
  const r = new RichState();
  r.seen(BOB, { remoteId: 'S-1', markerId: 'b-1', markable: true });
  r.seen(BOB, { remoteId: 'S-2', markerId: 'b-2', markable: false });
  r.seen(BOB, { remoteId: 'S-1', markerId: 'b-1', markable: true });
  assert.equal(r.markableUpTo(BOB, 'S-2')?.markerId, 'b-1');
  assert.equal(r.markableUpTo(BOB, 'unknown'), undefined);
  for (const id of ['o1', 'o2', 'o3']) r.sent(BOB, id);
  assert.deepEqual(r.readUpTo(BOB, 'o2'), ['o1', 'o2']);
  assert.deepEqual(r.readUpTo(BOB, 'o3'), ['o3']);
  assert.deepEqual(r.readUpTo(BOB, 'elsewhere'), ['elsewhere']);
});
