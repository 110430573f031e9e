import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fixture } from './helpers.js';

test('kv: get/set/delete, scoped per account', () => {
  const { store } = fixture();
  const a = store.kv('acct');
  const b = store.kv('other');
  assert.equal(a.get('token'), undefined);
  a.set('token', 'one');
  a.set('token', 'two');
  b.set('token', 'theirs');
  assert.equal(a.get('token'), 'two');
  assert.equal(b.get('token'), 'theirs');
  assert.equal(store.kv('acct').get('token'), 'two', 'a new handle sees the same data');
  a.delete('token');
  a.delete('never-set');
  assert.equal(a.get('token'), undefined);
  assert.equal(b.get('token'), 'theirs');
});

test('kv batch: writes and deletes land together', () => {
  const { store } = fixture();
  const kv = store.kv('acct');
  kv.set('gone', 'x');
  kv.batch([
    { key: 'a', value: '1' },
    { key: 'b', value: '2' },
    { key: 'gone', value: undefined },
  ]);
  assert.equal(kv.get('a'), '1');
  assert.equal(kv.get('b'), '2');
  assert.equal(kv.get('gone'), undefined);
});

test('kv batch: a throw mid-batch leaves nothing, alone or inside a caller\'s transaction', () => {
  const { store } = fixture();
  const kv = store.kv('acct');
  kv.set('keep', 'old');
  const bad = [
    { key: 'keep', value: 'new' },
    { key: 'x', value: '1' },
    { key: 'y', value: null as unknown as string }, // NOT NULL constraint: throws after two writes
    { key: 'z', value: '3' },
  ];
  assert.throws(() => kv.batch(bad));
  assert.equal(kv.get('keep'), 'old');
  assert.equal(kv.get('x'), undefined);
  assert.equal(kv.get('z'), undefined);

  store.transaction(() => {
    kv.set('outer', 'yes');
    assert.throws(() => kv.batch(bad));
  });
  assert.equal(kv.get('outer'), 'yes', 'the caller\'s own writes commit');
  assert.equal(kv.get('keep'), 'old');
  assert.equal(kv.get('x'), undefined);
});

test('kv values survive reopening and hold any text', async () => {
  const { store } = fixture();
  const value = JSON.stringify({ key: 'ünïcødé \u0000 🙂', n: 1 });
  store.kv('acct').set('json', value);
  assert.equal(store.kv('acct').get('json'), value);
});
