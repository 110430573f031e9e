// The IRC adapter through the loopback SOCKS5 server to a real InspIRCd, by host names only the proxy can resolve
// ("irc.natter.test"): plain text, TLS with a pin, TLS checked against the name asked for, a proxy login that never
// reaches the log, and an unreachable proxy that reports plain words and retries with backoff until it comes up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createIrcAdapter } from '../../../adapters/irc/index.js';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { startInspircd, type InspircdServer } from '../../harness/inspircd.js';
import { recordingContext, type RecordingContext } from '../../harness/irc-context.js';
import { freePort } from '../../harness/server-kit.js';
import { startSocks5Server, type Socks5Server } from '../../harness/socks5-server.js';
import { skipReason } from '../irc/support.js';

const skip = skipReason();
let server: InspircdServer;
let proxy: Socks5Server;
type Conn = Extract<AdapterEvent, { type: 'connection' }>;

before(async () => {
  if (skip) return;
  server = await startInspircd({ tls: true });
  // "irc.natter.test" exists only in the proxy's table: the local resolver does not know it (.test, RFC 6761).
  proxy = await startSocks5Server({ hosts: { 'irc.natter.test': '127.0.0.1', localhost: '127.0.0.1' } });
});
after(async () => {
  if (skip) return;
  await proxy?.stop();
  await server?.stop();
});

const via = (p: { port: number }) => ({ protocol: 'socks5', host: '127.0.0.1', port: p.port });

async function start(config: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<{ ctx: RecordingContext; stop: () => Promise<void> }> {
  const ctx = recordingContext({ flood_burst: 50, flood_interval_ms: 50, ...config }, secrets);
  const adapter = createIrcAdapter();
  await adapter.start(ctx);
  return { ctx, stop: () => adapter.stop() };
}

const firstOutcome = (ctx: RecordingContext) =>
  ctx.waitFor((e) => e.type === 'connection' && e.state !== 'connecting', 'first outcome', 30_000) as Promise<Conn>;

test('plain IRC through the proxy, by a name only the proxy resolves', { skip }, async () => {
  const from = proxy.requests.length;
  const c = await start({ host: 'irc.natter.test', port: server.port, tls: false, nick: 'proxa', proxy: via(proxy) });
  try {
    const first = await firstOutcome(c.ctx);
    assert.equal(first.state, 'online', first.detail);
    const connecting = c.ctx.ofType('connection').find((e) => e.state === 'connecting');
    assert.equal(connecting?.detail, `connecting to irc.natter.test:${server.port} through the proxy socks5://127.0.0.1:${proxy.port}`);
    assert.deepEqual(proxy.requests.slice(from), [{ addressType: 'domain', host: 'irc.natter.test', port: server.port }]);
  } finally {
    await c.stop();
  }
});

test('TLS over the proxied socket: the pinned certificate is accepted', { skip }, async () => {
  const from = proxy.requests.length;
  const c = await start({ host: 'irc.natter.test', port: server.tlsPort, tls: true, nick: 'proxb', tls_fingerprint: server.fingerprint, proxy: via(proxy) });
  try {
    const first = await firstOutcome(c.ctx);
    assert.equal(first.state, 'online', first.detail);
    assert.deepEqual(proxy.requests.slice(from), [{ addressType: 'domain', host: 'irc.natter.test', port: server.tlsPort }]);
  } finally {
    await c.stop();
  }
});

test('TLS over the proxied socket checks the certificate against the name asked for (ca_file)', { skip }, async () => {
  // The test certificate names localhost and 127.0.0.1, not irc.natter.test: SNI and the check use the target name.
  const wrong = await start({ host: 'irc.natter.test', port: server.tlsPort, tls: true, nick: 'proxc', ca_file: server.caFile, proxy: via(proxy) });
  try {
    const first = await firstOutcome(wrong.ctx);
    assert.equal(first.state, 'error');
    assert.match(first.detail ?? '', /^server certificate not trusted \(certificate is for another host name\)/);
  } finally {
    await wrong.stop();
  }
  const from = proxy.requests.length;
  const right = await start({ host: 'localhost', port: server.tlsPort, tls: true, nick: 'proxd', ca_file: server.caFile, proxy: via(proxy) });
  try {
    const first = await firstOutcome(right.ctx);
    assert.equal(first.state, 'online', first.detail);
    assert.deepEqual(proxy.requests.slice(from), [{ addressType: 'domain', host: 'localhost', port: server.tlsPort }]);
  } finally {
    await right.stop();
  }
});

test('a proxy login (RFC 1929) from the config: used, and the password never logged', { skip }, async () => {
  const password = 'proxy-secret-9f3a';
  const guarded = await startSocks5Server({ auth: { username: 'natter', password }, hosts: { 'irc.natter.test': '127.0.0.1' } });
  try {
    const c = await start(
      { host: 'irc.natter.test', port: server.port, tls: false, nick: 'proxe', proxy: { ...via(guarded), username: 'natter' } },
      { proxy_password: password },
    );
    try {
      const first = await firstOutcome(c.ctx);
      assert.equal(first.state, 'online', first.detail);
      assert.deepEqual(guarded.logins, ['natter']);
    } finally {
      await c.stop();
    }
    const bad = await start(
      { host: 'irc.natter.test', port: server.port, tls: false, nick: 'proxf', proxy: { ...via(guarded), username: 'natter' } },
      { proxy_password: 'not-it' },
    );
    try {
      const first = await firstOutcome(bad.ctx);
      assert.equal(first.state, 'error');
      assert.match(first.detail ?? '', new RegExp(`^the proxy socks5://127\\.0\\.0\\.1:${guarded.port} refused the user name and password, retrying in \\d+ s$`));
    } finally {
      await bad.stop();
    }
    assert.ok(!c.ctx.logs.some((l) => l.includes(password)), 'the proxy password is not in the log');
  } finally {
    await guarded.stop();
  }
});

test('an unreachable proxy: plain words, retries with growing delays, online once the proxy is up', { skip }, async () => {
  const port = await freePort();
  const c = await start({ host: 'irc.natter.test', port: server.port, tls: false, nick: 'proxg', proxy: { protocol: 'socks5', host: '127.0.0.1', port } });
  let late: Socks5Server | undefined;
  try {
    const offline = async (n: number) => {
      await c.ctx.waitFor(() => c.ctx.ofType('connection').filter((e) => e.state === 'offline').length >= n, `${n} offline reports`, 30_000);
      return c.ctx.ofType('connection').filter((e) => e.state === 'offline');
    };
    const reports = await offline(3);
    const delays = reports.map((e) => {
      assert.match(e.detail ?? '', new RegExp(`^the proxy socks5://127\\.0\\.0\\.1:${port} is not reachable: connection refused, retrying in \\d+ s$`));
      return Number(/retrying in (\d+) s/.exec(e.detail!)![1]);
    });
    assert.ok(delays[0]! <= delays[1]! && delays[1]! <= delays[2]! && delays[0]! < delays[2]!, `backoff grows: ${delays.join(', ')}`);
    // Nothing went around the proxy: no connection reached the server without it (it would have been online).
    assert.ok(!c.ctx.events.some((e) => e.type === 'connection' && e.state === 'online'));
    late = await startSocks5Server({ port, hosts: { 'irc.natter.test': '127.0.0.1' } });
    await c.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'online once the proxy is up', 60_000);
    assert.equal(late.requests[0]?.host, 'irc.natter.test');
  } finally {
    await c.stop();
    await late?.stop();
  }
});
