import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bareJid, normalizeJid, parseJid } from '../../../adapters/xmpp/jid.js';
import { normalizeFingerprint, readOptions } from '../../../adapters/xmpp/options.js';
import { xmlSafe } from '../../../adapters/xmpp/xml-text.js';

test('JIDs: local part and domain fold, the resource keeps its case and may hold @ and /', () => {
  assert.deepEqual(parseJid('Alice@Example.ORG/Phone/2@x'), { local: 'alice', domain: 'example.org', resource: 'Phone/2@x' });
  assert.deepEqual(parseJid('muc.example.org'), { local: '', domain: 'example.org'.replace('example', 'muc.example'), resource: '' });
  assert.equal(bareJid('Bob@Example.org/pc'), 'bob@example.org');
  assert.equal(normalizeJid('ROOM@MUC.example.org/Nick'), 'room@muc.example.org/Nick');
  assert.equal(normalizeJid('example.org.'), 'example.org');
});

test('JIDs: garbage is rejected', () => {
  for (const bad of ['', '@example.org', 'a@b@c', 'a b@example.org', 'alice@', 'alice@example.org/', 'x@exa\u0000mple.org', 'a@b/\u0007']) {
    assert.equal(parseJid(bad), undefined, JSON.stringify(bad));
  }
  assert.equal(normalizeJid('  Not A JID  '), 'not a jid');
});

test('options: defaults per TLS mode, fingerprint normalized, a JID without local part refused', () => {
  const o = readOptions({ jid: 'Alice@Example.org', tls: 'direct', tls_fingerprint: 'ab'.repeat(32) });
  assert.equal(o.bare, 'alice@example.org');
  assert.equal(o.host, 'example.org');
  assert.equal(o.port, 5223);
  assert.equal(o.resource, 'natter');
  assert.equal(o.fingerprint, 'AB:'.repeat(31) + 'AB');
  assert.equal(readOptions({ jid: 'a@b' }).port, 5222);
  assert.equal(normalizeFingerprint('nope'), undefined);
  assert.throws(() => readOptions({ jid: 'example.org' }));
});

test('xmlSafe drops what XML 1.0 cannot carry and keeps everything else', () => {
  assert.equal(xmlSafe('a\u0000b\u001bc\td\ne\r\u0085\u{1F600}\uFFFE'), 'abc\td\ne\r\u0085\u{1F600}');
  assert.equal(xmlSafe('lone \uD800 surrogate \uDC00'), 'lone  surrogate ');
});
