import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../../src/core/model.js';
import { protectionText, selectionSummary } from '../../../src/ui/protection-text.js';

const message = (over: Partial<Message>): Message => ({
  id: 'm1',
  seq: 1,
  accountId: 'a',
  conversationId: 'c',
  senderId: 'bob@example.org',
  senderName: 'bob',
  direction: 'in',
  kind: 'text',
  body: 'hi',
  sentAt: 0,
  receivedAt: 0,
  retracted: false,
  encryption: { scheme: 'none' },
  mentionsMe: false,
  reactions: [],
  ...over,
});

test('each scheme says how the message was protected, with device and trust', () => {
  assert.equal(protectionText({ scheme: 'none' }), 'not end-to-end encrypted');
  assert.equal(protectionText({ scheme: 'omemo:2', senderDevice: '1234', trust: 'verified' }), '🔒 OMEMO 2 · device 1234 · verified');
  assert.equal(
    protectionText({ scheme: 'omemo:legacy', senderDevice: '99', trust: 'trusted' }),
    '🔒 OMEMO (legacy, eu.siacs.conversations.axolotl) · device 99 · trusted (not verified)',
  );
  assert.equal(protectionText({ scheme: 'megolm', trust: 'untrusted' }), '🔒 Megolm · UNTRUSTED');
  assert.equal(protectionText({ scheme: 'openpgp', error: 'no key for this message' }), '🔒 OpenPGP: could not decrypt (no key for this message)');
});

test('the selection summary names the sender and offers only the keys that apply', () => {
  assert.equal(selectionSummary(message({ encryption: { scheme: 'omemo:2', trust: 'unverified' } })), 'bob: 🔒 OMEMO 2 · unverified — r reply · + react · Esc');
  assert.equal(selectionSummary(message({ direction: 'out' })), 'you: not end-to-end encrypted — r reply · e edit · d delete · + react · Esc');
});
