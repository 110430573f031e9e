import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { client, PASSWORD, skipReason, type Client } from './support.js';

const skip = skipReason();
let server: ProsodyServer;
type Conn = Extract<AdapterEvent, { type: 'connection' }>;

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD } });
});

after(async () => {
  if (skip) return;
  await server?.stop();
});

async function attempt(extra: Record<string, unknown>): Promise<{ c: Client; first: Conn }> {
  const c = await client(server, 'alice', extra, { waitOnline: false });
  const first = (await c.ctx.waitFor((e) => e.type === 'connection' && e.state !== 'connecting', 'first outcome', 15_000)) as Conn;
  return { c, first };
}

test('direct TLS (XEP-0368) verified through ca_file', { skip }, async () => {
  const { c, first } = await attempt({ tls: 'direct', port: server.tlsPort });
  try {
    assert.equal(first.state, 'online', first.detail);
  } finally {
    await c.adapter.stop();
  }
});

test('a self-signed certificate without ca_file is refused before any password is sent', { skip }, async () => {
  const auths = () => server.log().split('\n').filter((l) => l.includes('Received[c2s_unauthed]: <auth')).length;
  const before = auths();
  const { c, first } = await attempt({ ca_file: undefined });
  try {
    assert.equal(first.state, 'error');
    assert.match(first.detail ?? '', /self.signed|certificate/i);
    assert.equal(auths(), before, 'no SASL attempt');
  } finally {
    await c.adapter.stop();
  }
});

test('tls_fingerprint pins the certificate without a CA; a wrong pin is refused in plain words', { skip }, async () => {
  const ok = await attempt({ ca_file: undefined, tls_fingerprint: server.fingerprint.replace(/:/g, '').toLowerCase() });
  try {
    assert.equal(ok.first.state, 'online', ok.first.detail);
  } finally {
    await ok.c.adapter.stop();
  }
  const wrong = 'AA:'.repeat(31) + 'AA';
  const bad = await attempt({ tls: 'direct', port: server.tlsPort, tls_fingerprint: wrong });
  try {
    assert.equal(bad.first.state, 'error');
    assert.match(bad.first.detail ?? '', /does not match the pinned tls_fingerprint, retrying in \d+ s/);
  } finally {
    await bad.c.adapter.stop();
  }
});

test('a server restart: offline with a reason, back online by itself, the room joined again', { skip }, async () => {
  const c = await client(server, 'bob');
  try {
    await c.adapter.join(`again@${server.muc}`);
    await c.ctx.waitFor((e) => e.type === 'members' && !!e.replace, 'joined');
    const from = c.ctx.events.length;
    await server.restart();
    const down = (await c.ctx.waitFor((e) => e.type === 'connection' && e.state !== 'online', 'noticed', 15_000, from)) as Conn;
    assert.match(down.detail ?? '', /retrying in \d+ s/);
    await c.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.joined === false, 'the room is reported left', 15_000, from);
    await c.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'back online', 30_000, from);
    await c.ctx.waitFor((e) => e.type === 'members' && !!e.replace, 'room joined again', 15_000, from);
  } finally {
    await c.adapter.stop();
  }
});
