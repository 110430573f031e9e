import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIrcAdapter } from '../../../adapters/irc/index.js';
import { recordingContext } from '../../harness/irc-context.js';
import { FakeIrcServer, MODERN_CAPS } from './fake-server.js';
import { connectAdapter } from './setup.js';

test('requests the IRCv3 caps the server offers, goes online and joins configured channels with keys', async () => {
  const w = await connectAdapter({ channels: ['#natter', '#secret hunter2'] });
  try {
    const req = await w.conn.waitFor(/^CAP REQ /);
    const requested = req.slice('CAP REQ :'.length).split(' ');
    for (const cap of ['server-time', 'message-tags', 'echo-message', 'batch', 'labeled-response', 'account-tag', 'away-notify', 'extended-join', 'multi-prefix', 'chghost', 'setname']) {
      assert.ok(requested.includes(cap), `CAP REQ lacks ${cap}: ${req}`);
    }
    assert.ok(!requested.includes('sasl'), 'no SASL without sasl_username');
    const online = w.ctx.ofType('connection').find((e) => e.state === 'online');
    assert.equal(online?.self, 'alice');
    // Keyed channels first (RFC 2812 pairs keys with the leading channels).
    await w.conn.waitFor(/^JOIN #secret hunter2$/);
    await w.conn.waitFor(/^JOIN #natter$/);
    assert.equal(w.adapter.capabilities.messageIds, true);
    assert.equal(w.adapter.capabilities.history, false);
    assert.equal(w.adapter.capabilities.typing, true, 'message-tags acked → +typing');
    // 512 - CRLF - ":alice!u@h " - "PRIVMSG <50-byte target> :"
    assert.equal(w.adapter.capabilities.maxBodyBytes, 512 - 2 - ':alice!u@h '.length - `PRIVMSG ${'#'.padEnd(50, 'x')} :`.length);
    const states = w.ctx.ofType('connection').map((e) => e.state);
    assert.deepEqual(states.slice(0, 2), ['connecting', 'online']);
  } finally {
    await w.stop();
  }
});

test('server password goes to PASS without sasl_username, and never into the log', async () => {
  const w = await connectAdapter({}, { caps: MODERN_CAPS }, { password: 'bouncer-secret-1' });
  try {
    await w.conn.waitFor(/^PASS bouncer-secret-1$/);
    assert.ok(!w.conn.frames.some((f) => f.startsWith('AUTHENTICATE')));
    assert.ok(w.ctx.logs.length > 0);
    assert.ok(!w.ctx.logs.some((l) => l.includes('bouncer-secret-1')), 'password in log');
    assert.ok(!w.ctx.logs.some((l) => /\bPASS\b/.test(l)), 'PASS line in log');
  } finally {
    await w.stop();
  }
});

test('sasl_username authenticates with SASL PLAIN and keeps AUTHENTICATE out of the log', async () => {
  const server = await new FakeIrcServer({ caps: MODERN_CAPS, manual: true }).start();
  const ctx = recordingContext({ host: '127.0.0.1', port: server.port, tls: false, nick: 'alice', sasl_username: 'alice-acct', flood_burst: 100, flood_interval_ms: 1 }, { password: 'sasl-pw-42' });
  const adapter = createIrcAdapter();
  await adapter.start(ctx);
  try {
    const c = await server.connection(0);
    await c.waitFor(/^CAP LS 302$/);
    c.send(`:irc.test CAP * LS :${MODERN_CAPS.join(' ')}`);
    const req = await c.waitFor(/^CAP REQ /);
    assert.match(req, /\bsasl\b/);
    c.send(`:irc.test CAP * ACK :${req.slice(9)}`);
    await c.waitFor(/^AUTHENTICATE PLAIN$/);
    c.send('AUTHENTICATE +');
    const payload = (await c.waitFor(/^AUTHENTICATE (?!PLAIN)/)).split(' ')[1]!;
    assert.equal(Buffer.from(payload, 'base64').toString('utf8'), 'alice-acct\0alice-acct\0sasl-pw-42');
    assert.ok(!c.frames.some((f) => f.startsWith('PASS')), 'no PASS with SASL');
    c.send(':irc.test 900 alice alice!u@h alice-acct :You are now logged in', ':irc.test 903 alice :SASL authentication successful');
    await c.waitFor(/^CAP END$/);
    c.send(':irc.test 001 alice :Welcome alice!u@h', ':irc.test 422 alice :No MOTD');
    await ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'online');
    assert.ok(!ctx.logs.some((l) => l.includes('sasl-pw-42') || l.includes(payload) || /AUTHENTICATE/.test(l)), 'credentials in log');
  } finally {
    await adapter.stop();
    await server.stop();
  }
});

test('nick collision during registration tries alt_nicks, then nick_, nick__, then nick + digits', async () => {
  const w = await connectAdapter(
    { alt_nicks: ['alicia'] },
    { caps: MODERN_CAPS, takenNicks: ['alice', 'alicia', 'alice_', 'alice__'] },
  );
  try {
    const nicks = w.conn.frames.filter((f) => f.startsWith('NICK ')).map((f) => f.slice(5));
    assert.deepEqual(nicks, ['alice', 'alicia', 'alice_', 'alice__', 'alice1']);
    const online = w.ctx.ofType('connection').find((e) => e.state === 'online');
    assert.equal(online?.self, 'alice1');
  } finally {
    await w.stop();
  }
});

test('server without IRCv3 caps: registration still completes and capabilities say no msgids', async () => {
  const w = await connectAdapter({}, { caps: [] });
  try {
    assert.ok(!w.conn.frames.some((f) => f.startsWith('CAP REQ')), 'nothing to request');
    await w.conn.waitFor(/^CAP END$/);
    assert.equal(w.adapter.capabilities.messageIds, false);
    assert.equal(w.adapter.capabilities.presence, false);
  } finally {
    await w.stop();
  }
});

test('stop() sends QUIT, reports offline and does not reconnect', async () => {
  const w = await connectAdapter();
  await w.adapter.stop('bye for now');
  await w.conn.waitFor(/^QUIT :bye for now$/);
  const last = w.ctx.ofType('connection').at(-1);
  assert.equal(last?.state, 'offline');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(w.server.connections.length, 1, 'no reconnect after stop');
  await w.server.stop();
});
