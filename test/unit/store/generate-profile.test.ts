import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/store/open-store.js';
import { generateProfile } from '../../../src/store/testing/generate-profile.js';
import { tempDir } from './helpers.js';

test('generateProfile inserts exactly the requested conversations and messages', () => {
  const store = openStore(join(tempDir(), 'p'));
  generateProfile(store, { conversations: 7, messages: 1234 });
  const convs = store.listConversations({ includeClosed: true });
  assert.equal(convs.length, 7);
  assert.ok(convs.every((c) => c.accountId === 'bench'));
  assert.equal(convs.reduce((n, c) => n + store.countMessages(c.id), 0), 1234);
  // Varied text: many distinct bodies, some non-ASCII, and searchable.
  const sample = convs.flatMap((c) => store.messages(c.id, { limit: 200 }));
  assert.ok(new Set(sample.map((m) => m.body)).size > sample.length * 0.9);
  assert.ok(sample.some((m) => /\P{ASCII}/u.test(m.body)));
  assert.ok(store.search('server').length > 0);
  // A second run into another account adds, never collides.
  generateProfile(store, { conversations: 2, messages: 10, accountId: 'other' });
  assert.equal(store.listConversations({ includeClosed: true }).length, 9);
  store.close();
});
