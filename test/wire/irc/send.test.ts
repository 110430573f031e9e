import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIrcAdapter } from '../../../adapters/irc/index.js';
import { SendRejected, SendUncertain, type OutgoingMessage } from '../../../src/core/contract.js';
import { recordingContext } from '../../harness/irc-context.js';
import { connectAdapter } from './setup.js';

const msg = (body: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  localId: 'L1',
  conversation: { remoteId: '#natter', kind: 'channel' },
  kind: 'text',
  body,
  ...extra,
});

const labelOf = (frame: string) => /^@label=([A-Za-z0-9]+) /.exec(frame)?.[1];

test('send(): PRIVMSG with @label; resolves from the labeled echo; the echo is not emitted as a message', async () => {
  const w = await connectAdapter();
  try {
    const pending = w.adapter.send(msg('hello there'));
    const frame = await w.conn.waitFor(/PRIVMSG #natter :hello there$/);
    const label = labelOf(frame);
    assert.ok(label, `no label on ${frame}`);
    const from = w.ctx.events.length;
    w.conn.send(`@label=${label};msgid=m-1;time=2026-03-04T05:06:07.890Z :alice!u@h PRIVMSG #natter :hello there`);
    const result = await pending;
    assert.deepEqual(result, { remoteId: 'm-1', sentAt: Date.parse('2026-03-04T05:06:07.890Z'), state: 'sent' });
    await w.conn.sync();
    assert.equal(w.ctx.events.slice(from).filter((e) => e.type === 'message').length, 0, 'own labeled echo is not emitted');
  } finally {
    await w.stop();
  }
});

test('an echo without a known label (another client on a bouncer) is emitted with direction out', async () => {
  const w = await connectAdapter();
  try {
    w.conn.send('@msgid=other-1;time=2026-03-04T05:06:07.000Z :alice!u@h PRIVMSG bob :from my phone');
    const e = await w.ctx.waitFor((x) => x.type === 'message' && x.message.remoteId === 'other-1', 'bouncer echo');
    assert.equal(e.type === 'message' && e.message.direction, 'out');
    assert.deepEqual(e.type === 'message' && e.message.conversation, { remoteId: 'bob', kind: 'direct', title: 'bob' });
  } finally {
    await w.stop();
  }
});

test('ACTION and NOTICE sends use CTCP and NOTICE', async () => {
  const w = await connectAdapter();
  try {
    const a = w.adapter.send(msg('dances', { kind: 'action' }));
    // eslint-disable-next-line no-control-regex -- CTCP is delimited by 0x01
    const af = await w.conn.waitFor(/PRIVMSG #natter :\x01ACTION dances\x01$/);
    w.conn.send(`@label=${labelOf(af)};msgid=a1 :alice!u@h PRIVMSG #natter :\x01ACTION dances\x01`);
    assert.equal((await a).remoteId, 'a1');
    const n = w.adapter.send(msg('heads up', { kind: 'notice', conversation: { remoteId: 'bob', kind: 'direct' } }));
    const nf = await w.conn.waitFor(/NOTICE bob :heads up$/);
    w.conn.send(`@label=${labelOf(nf)};msgid=n1 :alice!u@h NOTICE bob :heads up`);
    assert.equal((await n).remoteId, 'n1');
  } finally {
    await w.stop();
  }
});

test('ERR_CANNOTSENDTOCHAN for the label rejects the send (not retryable)', async () => {
  const w = await connectAdapter();
  try {
    const pending = w.adapter.send(msg('let me in'));
    const frame = await w.conn.waitFor(/PRIVMSG #natter :let me in$/);
    w.conn.send(`@label=${labelOf(frame)} :irc.test 404 alice #natter :Cannot send to channel (+m)`);
    await assert.rejects(pending, (e: unknown) => e instanceof SendRejected && !e.retryable && /Cannot send/.test(e.reason));
  } finally {
    await w.stop();
  }
});

test('ERR_NOSUCHNICK without labels rejects the pending send to that target', async () => {
  const w = await connectAdapter({}, { caps: ['echo-message', 'message-tags', 'server-time'] });
  try {
    const pending = w.adapter.send(msg('anyone?', { conversation: { remoteId: 'ghost', kind: 'direct' } }));
    const frame = await w.conn.waitFor(/PRIVMSG ghost :anyone\?$/);
    assert.ok(!frame.startsWith('@'), 'no label without labeled-response');
    w.conn.send(':irc.test 401 alice ghost :No such nick/channel');
    await assert.rejects(pending, (e: unknown) => e instanceof SendRejected && !e.retryable);
  } finally {
    await w.stop();
  }
});

test('echo-message without labels: echo matched by target and text', async () => {
  const w = await connectAdapter({}, { caps: ['echo-message', 'message-tags', 'server-time'] });
  try {
    const pending = w.adapter.send(msg('unlabeled'));
    await w.conn.waitFor(/^PRIVMSG #natter :unlabeled$/);
    w.conn.send('@msgid=u1 :alice!u@h PRIVMSG #natter :unlabeled');
    assert.equal((await pending).remoteId, 'u1');
  } finally {
    await w.stop();
  }
});

test('connection drop while waiting for the echo → SendUncertain', async () => {
  const w = await connectAdapter();
  try {
    const pending = w.adapter.send(msg('into the void'));
    await w.conn.waitFor(/PRIVMSG #natter :into the void$/);
    w.conn.close();
    await assert.rejects(pending, (e: unknown) => e instanceof SendUncertain);
  } finally {
    await w.stop();
  }
});

test('not connected → SendRejected("not connected", retryable)', async () => {
  const adapter = createIrcAdapter();
  await assert.rejects(adapter.send(msg('x')), (e: unknown) => e instanceof SendRejected && e.retryable && e.reason === 'not connected');
  // Started but the server refuses connections: still not connected.
  const ctx = recordingContext({ host: '127.0.0.1', port: 1, tls: false, nick: 'alice' });
  await adapter.start(ctx);
  await assert.rejects(adapter.send(msg('x')), (e: unknown) => e instanceof SendRejected && e.retryable);
  const offline = await ctx.waitFor((e) => e.type === 'connection' && e.state === 'offline', 'offline');
  assert.match((offline as { detail?: string }).detail ?? '', /^connection refused, retrying in 1 s$/);
  await adapter.stop();
});

test('without echo-message: resolves once written, without remote id', async () => {
  const w = await connectAdapter({}, { caps: ['server-time'] });
  try {
    const result = await w.adapter.send(msg('fire and forget'));
    assert.deepEqual(result, { state: 'sent' });
    await w.conn.waitFor(/^PRIVMSG #natter :fire and forget$/);
  } finally {
    await w.stop();
  }
});

test('long bodies split on UTF-8-safe word boundaries; multi-line bodies go line by line', async () => {
  const w = await connectAdapter({}, { caps: ['server-time'] });
  try {
    const max = w.adapter.capabilities.maxBodyBytes!;
    const words = Array.from({ length: 200 }, (_, i) => `wörd${i}€`);
    const body = `${words.join(' ')}\nsecond line\n\nthird`;
    const from = w.conn.frames.length;
    await w.adapter.send(msg(body));
    await w.conn.sync();
    const texts = w.conn.frames.slice(from).filter((f) => f.startsWith('PRIVMSG')).map((f) => f.slice('PRIVMSG #natter :'.length));
    assert.ok(texts.length >= 4, `expected several lines, got ${texts.length}`);
    // Relayed by the server as ":alice!u@h PRIVMSG #natter :<text>" + CRLF, every line must fit in 512 bytes.
    for (const t of texts) assert.ok(Buffer.byteLength(`:alice!u@h PRIVMSG #natter :${t}\r\n`) <= 512, `line of ${Buffer.byteLength(t)} bytes too long`);
    assert.ok(texts.some((t) => Buffer.byteLength(t) > max - 60), 'chunks use most of the budget');
    assert.deepEqual(texts.slice(-2), ['second line', 'third']);
    assert.equal(texts.slice(0, -2).join(' '), words.join(' '), 'split only at spaces, nothing lost');
    for (const t of texts) assert.ok(!t.includes('\uFFFD'));
  } finally {
    await w.stop();
  }
});

test('flood control: lines beyond the burst are queued, not written at once', async () => {
  const w = await connectAdapter({ flood_burst: 2, flood_interval_ms: 300 }, { caps: ['server-time'] });
  try {
    // Let the registration burst's tokens refill.
    await new Promise((r) => setTimeout(r, 1000));
    const from = w.conn.frames.length;
    const sends = [1, 2, 3, 4].map((i) => w.adapter.send(msg(`line ${i}`)));
    await w.conn.waitFor(/^PRIVMSG #natter :line 2$/, 5000, from);
    assert.ok(!w.conn.frames.slice(from).some((f) => f.endsWith('line 4')), 'line 4 must wait for a token');
    await Promise.all(sends);
    await w.conn.waitFor(/^PRIVMSG #natter :line 4$/, 5000, from);
    assert.deepEqual(w.conn.frames.slice(from).filter((f) => f.startsWith('PRIVMSG')).map((f) => f.slice(-6)), ['line 1', 'line 2', 'line 3', 'line 4']);
  } finally {
    await w.stop();
  }
});

test('commands: topic, nick, whois, kick, mode, invite, away, raw and unknown ones', async () => {
  const w = await connectAdapter();
  try {
    const from = w.conn.frames.length;
    await w.adapter.command('topic', ['a', 'new', 'topic'], '#natter');
    await w.adapter.command('topic', [], '#natter');
    await w.adapter.command('nick', ['alice2']);
    await w.adapter.command('whois', ['bob']);
    await w.adapter.command('kick', ['bob', 'be', 'nice'], '#natter');
    await w.adapter.command('mode', ['+o', 'bob'], '#natter');
    await w.adapter.command('invite', ['carol'], '#natter');
    await w.adapter.command('away', ['gone', 'fishing']);
    await w.adapter.command('away', []);
    await w.adapter.command('raw', ['PRIVMSG', 'bob', ':hi\r\nQUIT']);
    await w.adapter.command('knock', ['#locked']);
    await w.conn.sync();
    assert.deepEqual(w.conn.frames.slice(from).filter((f) => !/^P[IO]NG /.test(f)), [
      'TOPIC #natter :a new topic',
      'TOPIC #natter',
      'NICK alice2',
      'WHOIS bob',
      'KICK #natter bob :be nice',
      'MODE #natter +o bob',
      'INVITE carol #natter',
      'AWAY :gone fishing',
      'AWAY',
      'PRIVMSG bob :hi QUIT',
      'KNOCK #locked',
    ]);
  } finally {
    await w.stop();
  }
});
