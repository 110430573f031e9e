// Engine rule for a late decryption (`decrypted` change): it turns an undecryptable placeholder into the message
// (text, styles, encryption, attachments; sanitized), keeps its time, does not mark it edited, and makes it
// searchable; it never rewrites a message that was readable, nor a retracted one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageChange } from '../../../src/core/contract.js';
import { Engine } from '../../../src/core/engine/engine.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { EncryptionInfo } from '../../../src/core/model.js';
import { openStore } from '../../../src/store/open-store.js';
import { FakeAdapter } from './fake-adapter.js';

test('a decrypted change fills a placeholder in place; readable and retracted messages are left alone', async () => {
  const store = openStore(mkdtempSync(join(tmpdir(), 'natter-late-')));
  const adapters: FakeAdapter[] = [];
  const engine = new Engine({
    store,
    log: silentLogger,
    batchMs: 1,
    accounts: [{ id: 'hs', protocol: 'irc', enabled: true, config: {}, secret: async () => undefined, factory: () => (adapters.push(new FakeAdapter()), adapters.at(-1)!) }],
  });
  await engine.start();
  const a = adapters[0]!;
  const room = { remoteId: '!r', kind: 'group' as const };
  const broken: EncryptionInfo = { scheme: 'megolm', senderDevice: 'DEV', error: 'no room key' };
  let at = 1000;
  const message = (remoteId: string, body: string, encryption: EncryptionInfo) =>
    a.emit({ type: 'message', message: { conversation: room, remoteId, senderId: 'bob', direction: 'in', kind: 'text', body, sentAt: (at += 1000), encryption } });
  const decrypt = (remoteId: string, change: Omit<Extract<MessageChange, { kind: 'decrypted' }>, 'kind'>) =>
    a.emit({ type: 'message.update', conversationRemoteId: '!r', targetRemoteId: remoteId, change: { kind: 'decrypted', ...change } });

  message('$p', '[unable to decrypt: no room key]', broken);
  message('$ok', 'readable all along', { scheme: 'megolm' });
  message('$gone', '[unable to decrypt: no room key]', broken);
  a.emit({ type: 'message.update', conversationRemoteId: '!r', targetRemoteId: '$gone', change: { kind: 'retract', by: 'bob' } });
  engine.drain();
  const conv = store.findConversation('hs', '!r')!;
  const before = store.findByRemoteId(conv.id, '$p')!;

  decrypt('$p', {
    body: 'the harbour \u001b[31mkey\u001b[0m',
    spans: [{ text: 'the harbour ' }, { text: 'key', bold: true }],
    encryption: { scheme: 'megolm', senderDevice: 'DEV', trust: 'unverified' },
    attachments: [{ url: 'mxc://hs/abc', name: 'map.png', size: 10, encrypted: true }],
  });
  decrypt('$ok', { body: 'rewritten', encryption: { scheme: 'megolm' } });
  decrypt('$gone', { body: 'back from the dead', encryption: { scheme: 'megolm' } });
  engine.drain();

  const after = store.findByRemoteId(conv.id, '$p')!;
  assert.equal(after.id, before.id);
  assert.equal(after.body, 'the harbour key', 'sanitized');
  assert.deepEqual(after.spans, [{ text: 'the harbour ' }, { text: 'key', bold: true }]);
  assert.deepEqual(after.encryption, { scheme: 'megolm', senderDevice: 'DEV', trust: 'unverified' });
  assert.deepEqual(after.attachments, [{ url: 'mxc://hs/abc', name: 'map.png', size: 10, encrypted: true }]);
  assert.equal(after.sentAt, before.sentAt);
  assert.equal(after.editedAt, undefined, 'not marked edited');
  assert.deepEqual(engine.search('harbour').map((h) => h.message.id), [before.id]);
  assert.equal(store.findByRemoteId(conv.id, '$ok')!.body, 'readable all along');
  const gone = store.messages(conv.id, { limit: 10 }).find((m) => m.remoteId === '$gone');
  assert.equal(gone?.retracted, true);
  assert.equal(gone?.body, '');
  assert.equal(engine.search('dead').length, 0);
  store.close();
});
