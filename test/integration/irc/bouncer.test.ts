/**
 * natter behind a real bouncer: ZNC 1.8 (test/harness/znc.ts) in front of a real InspIRCd, a natter profile whose
 * IRC account logs in to ZNC with the server password `user/network:password`.
 *
 * ZNC keeps every channel and query line in its buffers and, with AutoClear…Buffer = false, replays the whole buffer
 * (in a `znc.in/playback` batch, with IRCv3 server-time but no msgid: ZNC 1.8 has no message-tags) on every client
 * connection, including the lines this client already saw live and its own sends. The store must keep each message
 * exactly once, while the lines written during the disconnection arrive with the time they were written.
 *
 * Two raw IRC clients on InspIRCd (no natter code) are the independent peers: `peer` writes and counts what natter's
 * sends delivered; `witness` asked for server-time and records the server's time of each line, which natter must
 * store unchanged.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, type Session } from '../../../src/app/open-session.js';
import type { Message } from '../../../src/core/model.js';
import { inspircdUnavailable, startInspircd, type InspircdServer } from '../../harness/inspircd.js';
import { RawIrcClient } from '../../harness/raw-irc-client.js';
import { waitFor } from '../../harness/wait-for.js';
import { startZnc, zncUnavailable, type ZncBouncer } from '../../harness/znc.js';

const skip = process.env.CI === 'true' ? undefined : (inspircdUnavailable() ?? zncUnavailable());
const ACCOUNT = 'bnc';
const NICK = 'znatter';
const CHANNEL = '#natter';

let server: InspircdServer;
let znc: ZncBouncer;
let peer: RawIrcClient;
let witness: RawIrcClient;
let home: string;
let natter: Session;

const openProfile = () => openSession({ env: { ...process.env, NATTER_HOME: home } });
const channel = () => natter.store.findConversation(ACCOUNT, CHANNEL);
const query = () => natter.store.findConversation(ACCOUNT, 'peer');
/** Chat lines of a conversation (join/part events left out), in timeline order. */
const lines = (convId: string | undefined): Message[] =>
  convId ? natter.store.messages(convId, { limit: 500 }).filter((m) => m.kind !== 'event') : [];
const bodies = (convId: string | undefined) => lines(convId).map((m) => m.body);
const count = (convId: string | undefined, body: string) => bodies(convId).filter((b) => b === body).length;
const online = () => natter.engine.isOnline(ACCOUNT);

/** The server-time the witness saw on the line from `nick` with exactly `text` (ms since epoch). */
function serverTime(from: string, text: string): number {
  for (const l of witness.lines) {
    const m = /^@(\S+) :([^!\s]+)\S* PRIVMSG \S+ :(.*)$/.exec(l);
    if (!m || m[2] !== from || m[3] !== text) continue;
    const time = m[1]!.split(';').find((t) => t.startsWith('time='));
    if (time) return Date.parse(time.slice(5));
  }
  throw new Error(`the witness has no timed line ${from}: ${text}`);
}

/** A line the peer writes after everything else: once natter has it, all earlier lines from ZNC were processed. */
async function marker(text: string): Promise<void> {
  peer.privmsg(CHANNEL, text);
  await waitFor(() => bodies(channel()?.id).includes(text), `natter got the marker "${text}"`, 20_000);
}

/** Every chat line of the channel and the query, each exactly once, in this order. */
function assertExactlyOnce(channelBodies: string[], queryBodies: string[], when: string): void {
  assert.deepEqual(bodies(channel()?.id), channelBodies, `channel lines ${when}\n${znc.logTail()}`);
  assert.deepEqual(bodies(query()?.id), queryBodies, `query lines ${when}`);
}

before(async () => {
  if (skip) return;
  server = await startInspircd();
  znc = await startZnc({ ircPort: server.port, channels: [CHANNEL], nick: NICK });
  peer = await RawIrcClient.connect('127.0.0.1', server.port, 'peer');
  witness = await RawIrcClient.connect('127.0.0.1', server.port, 'witness');
  witness.raw('CAP REQ :server-time');
  await waitFor(() => witness.lines.some((l) => / CAP \S+ ACK :?server-time/.test(l)), 'the witness has server-time');
  peer.join(CHANNEL);
  witness.join(CHANNEL);
  await waitFor(
    () => [peer, witness].every((c) => c.lines.some((l) => / 366 \S+ #natter /.test(l))),
    'peer and witness are in the channel',
  );
  home = mkdtempSync(join(tmpdir(), 'natter-bouncer-'));
  writeFileSync(
    join(home, 'config.toml'),
    `[[accounts]]\nname = "${ACCOUNT}"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = ${znc.port}\ntls = false\n` +
      `nick = "${NICK}"\npassword = "${znc.user}/${znc.network}:${znc.password}"\nchannels = ["${CHANNEL}"]\n`,
    { mode: 0o600 },
  );
  natter = await openProfile();
  await natter.engine.start();
  await waitFor(() => online() && channel()?.joined, 'natter is online through ZNC and in the channel', 30_000);
});

after(async () => {
  if (skip) return;
  peer?.close();
  witness?.close();
  await natter?.close();
  await znc?.stop();
  await server?.stop();
});

test('live lines pass through ZNC with the server time; natter\'s sends reach the peer exactly once', { skip }, async () => {
  // Lines written before natter first connected come from ZNC's buffer (playback), the rest live.
  peer.privmsg(CHANNEL, 'live one');
  peer.privmsg(CHANNEL, 'live two');
  peer.privmsg(NICK, 'live query');
  const wroteAt = Date.now();
  await waitFor(() => bodies(channel()?.id).includes('live two') && bodies(query()?.id).includes('live query'), 'natter got the live lines');
  for (const m of lines(channel()?.id)) {
    assert.equal(m.sentAt, serverTime('peer', m.body), `"${m.body}" carries InspIRCd's server time through ZNC`);
    assert.equal(m.senderId, 'peer');
    assert.equal(m.direction, 'in');
  }
  // The witness cannot see a private line; its time must at least be the server's, set between writing and receiving.
  const q = lines(query()?.id)[0]!;
  assert.equal(q.senderId, 'peer');
  assert.ok(q.sentAt >= wroteAt - 1000 && q.sentAt <= q.receivedAt, `query time ${q.sentAt} within [${wroteAt}, ${q.receivedAt}]`);

  const sent = await natter.engine.dispatch({ type: 'send', conversationId: channel()!.id, body: 'natter says hi' });
  assert.equal(sent.ok, true);
  const answered = await natter.engine.dispatch({ type: 'send', conversationId: query()!.id, body: 'natter answers' });
  assert.equal(answered.ok, true);
  const own = (body: string) => [...lines(channel()?.id), ...lines(query()?.id)].find((m) => m.body === body);
  await waitFor(
    () => own('natter says hi')?.delivery === 'sent' && own('natter answers')?.delivery === 'sent',
    'ZNC echoed both sends (echo-message), natter marked them sent',
  );
  await waitFor(() => peer.count(CHANNEL, 'natter says hi') >= 1 && peer.count('peer', 'natter answers') >= 1, 'the peer got both');
  // Give a duplicate every chance to arrive before counting.
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(peer.count(CHANNEL, 'natter says hi'), 1);
  assert.equal(peer.count('peer', 'natter answers'), 1);
  assert.equal(witness.count(CHANNEL, 'natter says hi'), 1);
  for (const body of ['natter says hi', 'natter answers']) {
    const m = own(body)!;
    assert.equal(m.direction, 'out');
    assert.ok(Math.abs(m.sentAt - m.receivedAt) < 60_000, 'the echo gave the send a time');
  }
  assertExactlyOnce(['live one', 'live two', 'natter says hi'], ['live query', 'natter answers'], 'after the live exchange');
});

test('after a disconnection ZNC replays its buffer: missed lines arrive with their times, nothing seen twice', { skip }, async () => {
  const unreadBefore = { channel: channel()!.unread, query: query()!.unread };
  const dropped = await natter.engine.dispatch({ type: 'disconnect', accountId: ACCOUNT });
  assert.equal(dropped.ok, true);
  await waitFor(() => !online(), 'natter is offline');

  const missed = ['missed one', 'missed two', 'missed three'];
  for (const text of missed) peer.privmsg(CHANNEL, text);
  peer.privmsg(NICK, 'missed query');
  await waitFor(() => missed.every((t) => witness.count(CHANNEL, t) === 1), 'the witness (and so ZNC) got the missed lines');
  // ZNC reads the same server burst as the witness; give it a moment so these are buffered, not live, lines.
  await new Promise((r) => setTimeout(r, 300));
  const reconnectAt = Date.now();
  assert.ok(!missed.some((t) => bodies(channel()?.id).includes(t)), 'nothing reached natter while it was away');

  const back = await natter.engine.dispatch({ type: 'connect', accountId: ACCOUNT });
  assert.equal(back.ok, true);
  await waitFor(() => online() && channel()?.joined, 'natter is back through ZNC', 30_000);
  await waitFor(
    () => missed.every((t) => bodies(channel()?.id).includes(t)) && bodies(query()?.id).includes('missed query'),
    'the missed lines were played back',
  );
  await marker('marker after first reconnect');

  assertExactlyOnce(
    ['live one', 'live two', 'natter says hi', ...missed, 'marker after first reconnect'],
    ['live query', 'natter answers', 'missed query'],
    'after the first reconnect (ZNC replayed the live lines and natter\'s own sends too)',
  );
  for (const m of [...lines(channel()?.id), ...lines(query()?.id)].filter((x) => x.body.startsWith('missed'))) {
    if (m.body !== 'missed query') assert.equal(m.sentAt, serverTime('peer', m.body), `"${m.body}" keeps the time it was written`);
    assert.ok(m.sentAt < reconnectAt && m.receivedAt >= reconnectAt, `"${m.body}" was written before the reconnect, received after`);
  }
  // The replayed lines natter already had count as unread no second time; the missed ones (and the marker) do.
  assert.equal(channel()!.unread, unreadBefore.channel + missed.length + 1);
  assert.equal(query()!.unread, unreadBefore.query + 1);
});

test('a second reconnect (the profile closed and opened again) adds no duplicates either', { skip }, async () => {
  const unreadBefore = { channel: channel()!.unread, query: query()!.unread };
  await natter.close();
  natter = await openProfile();
  await natter.engine.start();
  await waitFor(() => online() && channel()?.joined, 'the reopened profile is online through ZNC', 30_000);
  await marker('marker after second reconnect');

  assertExactlyOnce(
    ['live one', 'live two', 'natter says hi', 'missed one', 'missed two', 'missed three', 'marker after first reconnect', 'marker after second reconnect'],
    ['live query', 'natter answers', 'missed query'],
    'after the second reconnect',
  );
  for (const [body, convId] of [['natter says hi', channel()?.id], ['live two', channel()?.id], ['missed query', query()?.id]] as const) {
    assert.equal(count(convId, body), 1, body);
  }
  assert.equal(channel()!.unread, unreadBefore.channel + 1, 'only the new marker is unread');
  assert.equal(query()!.unread, unreadBefore.query);
});
