import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterEvent, IncomingMessage } from '../../../src/core/contract.js';
import { connectAdapter, type WireSetup } from './setup.js';

type MessageEvent = Extract<AdapterEvent, { type: 'message' }>;
const messages = (w: WireSetup, from = 0): IncomingMessage[] =>
  w.ctx.events.slice(from).filter((e): e is MessageEvent => e.type === 'message').map((e) => e.message);

async function joined(w: WireSetup): Promise<void> {
  w.conn.sendFixture('channel-burst.irc', { nick: 'alice' });
  await w.ctx.waitFor((e) => e.type === 'members' && !!e.replace, 'NAMES replace');
}

test('channel burst: joined conversation with topic, member roles from prefixes and multi-prefix badges', async () => {
  const w = await connectAdapter();
  try {
    await joined(w);
    const conv = w.ctx.ofType('conversation').find((e) => e.conversation.remoteId === '#natter' && e.conversation.joined);
    assert.deepEqual(conv?.conversation, { remoteId: '#natter', kind: 'channel', title: '#natter', joined: true, invitedBy: null });
    const topic = w.ctx.ofType('conversation').find((e) => e.conversation.topic !== undefined);
    assert.equal(topic?.conversation.topic, 'Welcome to \x02natter\x02');
    const members = w.ctx.ofType('members').find((e) => e.replace)!;
    const byId = Object.fromEntries(members.replace!.map((p) => [p.id, p]));
    assert.deepEqual(byId.bob, { id: 'bob', name: 'bob', role: 'moderator', badge: '@+' });
    assert.deepEqual(byId.owner, { id: 'owner', name: 'owner', role: 'owner', badge: '~' });
    assert.equal(byId.adm?.role, 'admin');
    assert.deepEqual(byId.half, { id: 'half', name: 'half', role: 'moderator', badge: '%' });
    assert.equal(byId.voiced?.role, 'voice');
    assert.deepEqual(byId.plain, { id: 'plain', name: 'plain', role: 'member' });
    assert.equal(members.replace!.length, 7, 'NAMES across two 353 lines');
    const join = messages(w).find((m) => m.ext?.ircEvent === 'join');
    assert.equal(join?.body, 'alice joined');
    assert.equal(join?.kind, 'event');
    assert.equal(join?.sentAt, Date.parse('2026-01-02T03:04:05.000Z'));
  } finally {
    await w.stop();
  }
});

test('messages: msgid, server-time, account, formatting spans, ACTION, query, notices, STATUSMSG', async () => {
  const w = await connectAdapter();
  try {
    await joined(w);
    const from = w.ctx.events.length;
    w.conn.sendFixture('messages.irc', { nick: 'alice' });
    await w.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'ops only', 'last fixture line', 5000, from);
    const got = messages(w, from);
    const hello = got[0]!;
    assert.equal(hello.remoteId, 'abc123');
    assert.equal(hello.sentAt, Date.parse('2026-01-02T03:04:06.123Z'));
    assert.equal(hello.senderId, 'bob');
    assert.equal(hello.direction, 'in');
    assert.equal(hello.kind, 'text');
    assert.deepEqual(hello.ext, { account: 'bobacct' });
    assert.equal(hello.body, 'hello world red plain');
    assert.deepEqual(hello.spans, [
      { text: 'hello ' },
      { text: 'world', bold: true },
      { text: ' ' },
      { text: 'red', fg: '4', bg: '12' },
      { text: ' plain' },
    ]);
    assert.deepEqual(hello.conversation, { remoteId: '#natter', kind: 'channel', title: '#natter' });
    const action = got[1]!;
    assert.equal(action.kind, 'action');
    assert.equal(action.body, 'waves');
    assert.equal(action.sentAt, undefined, 'no server-time tag → no sentAt');
    const query = got[2]!;
    assert.deepEqual(query.conversation, { remoteId: 'carol', kind: 'direct', title: 'carol' });
    assert.equal(query.remoteId, 'q1');
    assert.equal(got[3]!.kind, 'notice');
    assert.equal(got[3]!.conversation.remoteId, '#natter');
    assert.equal(got[4]!.conversation.remoteId, '*');
    assert.equal(got[4]!.conversation.kind, 'server');
    assert.equal(got[4]!.body, '*** server notice');
    assert.equal(got[5]!.conversation.remoteId, '#natter', 'STATUSMSG target @#natter lands in #natter');
  } finally {
    await w.stop();
  }
});

test('membership: join/mode/nick/kick/part/quit/topic become member changes and event lines; away-notify → presence', async () => {
  const w = await connectAdapter();
  try {
    await joined(w);
    const from = w.ctx.events.length;
    w.conn.sendFixture('membership.irc');
    await w.ctx.waitFor((e) => e.type === 'presence' && !e.away, 'back from away', 5000, from);
    const evs = w.ctx.events.slice(from);
    const memberChanges = evs.filter((e): e is Extract<AdapterEvent, { type: 'members' }> => e.type === 'members');
    assert.deepEqual(memberChanges[0], { type: 'members', conversationRemoteId: '#natter', add: [{ id: 'dave', name: 'dave', role: 'member', account: 'daveacct' }] });
    assert.deepEqual(memberChanges[1]?.add, [{ id: 'dave', name: 'dave', role: 'moderator', badge: '@', account: 'daveacct' }]);
    assert.deepEqual(memberChanges[2]?.add, [{ id: 'bob', name: 'bob', role: 'moderator', badge: '@' }], '-v keeps @');
    assert.deepEqual(memberChanges[3]?.rename, { from: 'dave', to: 'david' });
    assert.deepEqual(memberChanges[4]?.remove, ['david']);
    assert.deepEqual(memberChanges[5]?.remove, ['plain']);
    assert.deepEqual(memberChanges[6]?.remove, ['voiced']);
    const lines = messages(w, from).map((m) => [m.ext?.ircEvent, m.body, m.kind]);
    assert.deepEqual(lines, [
      ['join', 'dave joined', 'event'],
      ['mode', 'bob sets mode +o-v dave bob', 'event'],
      ['nick', 'dave is now known as david', 'event'],
      ['kick', 'david was kicked by bob (behave)', 'event'],
      ['part', 'plain left (bye now)', 'event'],
      ['quit', 'voiced quit (Ping timeout)', 'event'],
      ['topic', 'bob changed the topic to: new topic', 'event'],
    ]);
    const topic = w.ctx.events.slice(from).find((e) => e.type === 'conversation' && e.conversation.topic === 'new topic');
    assert.ok(topic, 'topic change updates the conversation');
    const presence = evs.filter((e) => e.type === 'presence');
    assert.deepEqual(presence, [
      { type: 'presence', senderId: 'bob', away: true, status: 'lunch' },
      { type: 'presence', senderId: 'bob', away: false },
    ]);
  } finally {
    await w.stop();
  }
});

test('own PART and KICK mark the channel left; a kick gives a warning notice', async () => {
  const w = await connectAdapter();
  try {
    await joined(w);
    const from = w.ctx.events.length;
    w.conn.send(':bob!b@h KICK #natter alice :out');
    await w.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.joined === false, 'left', 5000, from);
    const notice = await w.ctx.waitFor((e) => e.type === 'notice', 'kick notice', 5000, from);
    assert.deepEqual(notice, { type: 'notice', level: 'warn', text: 'bob kicked you from #natter (out)' });
  } finally {
    await w.stop();
  }
});

test('CTCP VERSION is not answered by default; other CTCP is ignored', async () => {
  const w = await connectAdapter();
  try {
    const from = w.ctx.events.length;
    w.conn.send(':bob!b@h PRIVMSG alice :\x01VERSION\x01', ':bob!b@h PRIVMSG alice :\x01PING 123\x01', ':bob!b@h PRIVMSG alice :\x01TIME\x01');
    await w.conn.sync();
    await w.conn.sync();
    assert.ok(!w.conn.frames.some((f) => f.startsWith('NOTICE')), `unexpected reply: ${w.conn.frames.filter((f) => f.startsWith('NOTICE'))}`);
    assert.equal(messages(w, from).length, 0, 'CTCP requests are not messages');
  } finally {
    await w.stop();
  }
});

test('CTCP VERSION is answered when ctcp_version is true', async () => {
  const w = await connectAdapter({ ctcp_version: true });
  try {
    w.conn.send(':bob!b@h PRIVMSG alice :\x01VERSION\x01');
    // eslint-disable-next-line no-control-regex -- CTCP is delimited by 0x01
    const reply = await w.conn.waitFor(/^NOTICE bob :\x01VERSION /);
    assert.match(reply, /natter/);
  } finally {
    await w.stop();
  }
});

test('hostile and malformed input: raw text passes through, nothing crashes, later lines still arrive', async () => {
  const w = await connectAdapter();
  try {
    await joined(w);
    const from = w.ctx.events.length;
    w.conn.sendFixture('hostile.irc', { nick: 'alice' });
    // Invalid UTF-8 (a lone 0xff and a truncated sequence): decoded as Latin-1 rather than dropped or crashing.
    w.conn.send(Buffer.concat([Buffer.from(':bob!b@h PRIVMSG #natter :caf'), Buffer.from([0xe9, 0xff, 0xe2, 0x82]), Buffer.from('\r\n')]));
    // An overlong line (100 KiB) is dropped; a 2 KiB one is delivered.
    w.conn.send(`:bob!b@h PRIVMSG #natter :${'x'.repeat(100 * 1024)}`, `:bob!b@h PRIVMSG #natter :${'y'.repeat(2048)}`);
    w.conn.send(':bob!b@h PRIVMSG #natter :still alive');
    await w.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'still alive', 'line after garbage', 5000, from);
    const got = messages(w, from);
    const evil = got.find((m) => m.senderId === 'evil');
    assert.equal(evil?.body, '\x1b[2J\x1b]52;c;SGVsbG8=\x07owned \u202egnp.exe', 'raw text is passed on unchanged');
    assert.ok(got.some((m) => m.conversation.remoteId === '*' && m.body === 'some unknown numeric'), 'unknown numeric → server conversation');
    assert.ok(got.some((m) => m.body === 'after the garbage'));
    assert.ok(got.some((m) => m.ext?.ircEvent === 'topic' && m.body === 'bob changed the topic to: topic after the chokers'));
    assert.ok(w.ctx.logs.some((l) => l.includes('irc-framework could not handle BATCH')), 'irc-framework threw on the bare BATCH');
    assert.ok(!w.ctx.logs.some((l) => l.includes('error while handling transport event')), 'no exception escaped to the transport');
    assert.ok(got.some((m) => m.body === 'in a batch that never opened' && !m.historical));
    assert.ok(got.some((m) => m.body === 'caf\u00e9\u00ff\u00e2\u201a'), 'invalid UTF-8 decoded as Latin-1 (windows-1252)');
    assert.ok(!got.some((m) => m.body.startsWith('xxxx')), 'overlong line dropped');
    assert.ok(got.some((m) => m.body === 'y'.repeat(2048)));
    assert.ok(w.ctx.logs.some((l) => l.includes('overlong')));
  } finally {
    await w.stop();
  }
});

test('+H history replay batch on join: messages are historical, own ones direction out; live ones are not', async () => {
  const w = await connectAdapter();
  try {
    await joined(w);
    const from = w.ctx.events.length;
    w.conn.sendFixture('history-replay.irc', { nick: 'alice' });
    await w.ctx.waitFor((e) => e.type === 'message' && e.message.remoteId === 'live1', 'live line', 5000, from);
    const got = messages(w, from);
    assert.deepEqual(got.map((m) => [m.remoteId, m.historical ?? false, m.direction]), [
      ['old1', true, 'in'],
      ['old2', true, 'out'],
      ['live1', false, 'in'],
    ]);
    assert.equal(got[0]!.sentAt, Date.parse('2026-01-01T10:00:00.000Z'));
  } finally {
    await w.stop();
  }
});

test('normalize() follows the server CASEMAPPING', async () => {
  const w = await connectAdapter({}, { caps: [], isupport: ['CASEMAPPING=ascii'] });
  try {
    assert.equal(w.adapter.normalize('#Foo[]'), '#foo[]');
  } finally {
    await w.stop();
  }
  const r = await connectAdapter({}, { caps: [] });
  try {
    assert.equal(r.adapter.normalize('#Foo[]\\^'), '#foo{}|~');
  } finally {
    await r.stop();
  }
});

test('own nick change: members rename, event line, and a connection event with the new self', async () => {
  const w = await connectAdapter();
  try {
    await joined(w);
    const from = w.ctx.events.length;
    w.conn.send(':alice!u@h NICK alice2');
    const c = await w.ctx.waitFor((e) => e.type === 'connection' && e.self === 'alice2', 'new self', 5000, from);
    assert.equal(c.type === 'connection' && c.state, 'online');
    await w.ctx.waitFor((e) => e.type === 'members' && e.rename?.to === 'alice2', 'rename', 5000, from);
    const line = messages(w, from).find((m) => m.ext?.ircEvent === 'nick');
    assert.equal(line?.body, 'alice is now known as alice2');
    assert.equal(line?.direction, 'out');
    // Messages from the new nick are now our own.
    w.conn.send('@msgid=z :alice2!u@h PRIVMSG bob :hi from the new nick');
    const m = await w.ctx.waitFor((e) => e.type === 'message' && e.message.remoteId === 'z', 'echo from new nick', 5000, from);
    assert.equal(m.type === 'message' && m.message.direction, 'out');
  } finally {
    await w.stop();
  }
});
