// The XMPP adapter through the loopback SOCKS5 server to a real Prosody: STARTTLS and direct TLS over the proxied
// socket by a host name only the proxy resolves, a message that crosses it, and no DNS question (SRV) asked locally
// when a proxy is set.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { startDnsServer } from '../../harness/dns-server.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { freePort } from '../../harness/server-kit.js';
import { startSocks5Server, type Socks5Server } from '../../harness/socks5-server.js';
import { waitFor } from '../../harness/wait-for.js';
import { client, messages, PASSWORD, skipReason, type Client } from '../xmpp/support.js';

const skip = skipReason();
let server: ProsodyServer;
let proxy: Socks5Server;
type Conn = Extract<AdapterEvent, { type: 'connection' }>;

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD } });
  proxy = await startSocks5Server({ hosts: { 'xmpp.natter.test': '127.0.0.1' } });
});
after(async () => {
  if (skip) return;
  await proxy?.stop();
  await server?.stop();
});

const via = () => ({ protocol: 'socks5', host: '127.0.0.1', port: proxy.port });

async function attempt(extra: Record<string, unknown>): Promise<{ c: Client; first: Conn }> {
  const c = await client(server, 'alice', extra, { waitOnline: false });
  const first = (await c.ctx.waitFor((e) => e.type === 'connection' && e.state !== 'connecting', 'first outcome', 30_000)) as Conn;
  return { c, first };
}

test('STARTTLS over the proxied socket, by a name only the proxy resolves; a message crosses it', { skip }, async () => {
  const from = proxy.requests.length;
  const { c, first } = await attempt({ host: 'xmpp.natter.test', port: server.port, tls: 'starttls', proxy: via() });
  const bob = await client(server, 'bob');
  try {
    assert.equal(first.state, 'online', first.detail);
    const connecting = c.ctx.ofType('connection').find((e) => e.state === 'connecting');
    assert.equal(connecting?.detail, `connecting to xmpp.natter.test:${server.port} (STARTTLS) through the proxy socks5://127.0.0.1:${proxy.port}`);
    assert.deepEqual(proxy.requests.slice(from), [{ addressType: 'domain', host: 'xmpp.natter.test', port: server.port }]);
    // The certificate was checked against the XMPP domain (ca_file from support.ts), over the proxied socket.
    await c.adapter.send({ localId: 'proxied-1', conversation: { remoteId: bob.jid, kind: 'direct' }, kind: 'text', body: 'through the proxy' });
    await waitFor(() => messages(bob).some((m) => m.body === 'through the proxy'), 'bob receives the proxied message', 20_000);
  } finally {
    await c.adapter.stop();
    await bob.adapter.stop();
  }
});

test('direct TLS (XEP-0368) over the proxied socket', { skip }, async () => {
  const from = proxy.requests.length;
  const { c, first } = await attempt({ host: 'xmpp.natter.test', port: server.tlsPort, tls: 'direct', proxy: via() });
  try {
    assert.equal(first.state, 'online', first.detail);
    assert.deepEqual(proxy.requests.slice(from), [{ addressType: 'domain', host: 'xmpp.natter.test', port: server.tlsPort }]);
  } finally {
    await c.adapter.stop();
  }
});

test('with a proxy and no host, no SRV question is asked locally: the domain goes to the proxy on port 5222', { skip }, async () => {
  const dns = await startDnsServer();
  // The proxy refuses the domain, so the test does not depend on what listens on port 5222 here.
  const refusing = await startSocks5Server({ reply: (r) => (r.host === server.domain ? 0x04 : undefined) });
  try {
    const { c, first } = await attempt({ host: undefined, port: undefined, _dns_servers: [dns.address], proxy: { protocol: 'socks5', host: '127.0.0.1', port: refusing.port } });
    try {
      assert.equal(first.state, 'offline');
      assert.match(first.detail ?? '', /^the proxy could not reach localhost: host unreachable, retrying in \d+ s$/);
      assert.deepEqual(refusing.requests[0], { addressType: 'domain', host: 'localhost', port: 5222 });
      assert.deepEqual(dns.queries, [], 'no DNS question left natter');
    } finally {
      await c.adapter.stop();
    }
    // Without the proxy the same account does ask (the check above would catch a regression).
    const { c: direct } = await attempt({ host: undefined, port: undefined, _dns_servers: [dns.address] });
    await direct.adapter.stop();
    assert.ok(dns.queries.length > 0, 'without a proxy the SRV records are looked up');
  } finally {
    await refusing.stop();
    await dns.stop();
  }
});

test('an unreachable proxy: plain words on the status line and retries with backoff, never a direct connection', { skip }, async () => {
  const port = await freePort();
  const { c, first } = await attempt({ host: 'xmpp.natter.test', port: server.port, proxy: { protocol: 'socks5', host: '127.0.0.1', port } });
  try {
    assert.equal(first.state, 'offline');
    assert.match(first.detail ?? '', new RegExp(`^the proxy socks5://127\\.0\\.0\\.1:${port} is not reachable: connection refused, retrying in \\d+ s$`));
    await waitFor(() => c.ctx.ofType('connection').filter((e) => e.state === 'offline').length >= 2, 'a second attempt after the backoff', 30_000);
    const connecting = c.ctx.ofType('connection').filter((e) => e.state === 'connecting').length;
    assert.ok(connecting >= 2, `reconnected (${connecting} attempts)`);
    assert.ok(!c.ctx.events.some((e) => e.type === 'connection' && e.state === 'online'));
  } finally {
    await c.adapter.stop();
  }
});
