/**
 * Two natter profiles (alice over TLS verified through ca_file, bob in plain text) talk through a real InspIRCd:
 * channel and query, a hostile peer's escape sequences reach the store sanitized, and messages written while the
 * server is down are delivered exactly once after it comes back. A raw IRC client (no natter code) is the
 * independent witness that counts what actually went over the wire.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, type Session } from '../../../src/app/open-session.js';
import { isSafeForTerminal } from '../../../src/core/sanitize.js';
import { inspircdUnavailable, startInspircd, type InspircdServer } from '../../harness/inspircd.js';
import { RawIrcClient } from '../../harness/raw-irc-client.js';
import { waitFor } from '../../harness/wait-for.js';

const skip = process.env.CI === 'true' ? undefined : inspircdUnavailable();
let server: InspircdServer;
let alice: Session;
let bob: Session;
let witness: RawIrcClient;

function profile(name: string, body: string): Promise<Session> {
  const home = mkdtempSync(join(tmpdir(), `natter-${name}-`));
  writeFileSync(join(home, 'config.toml'), body, { mode: 0o600 });
  return openSession({ env: { ...process.env, NATTER_HOME: home } });
}

const channelOf = (s: Session, name = '#natter') => s.store.findConversation(s.config.accounts[0]!.name, name);
const bodies = (s: Session, convId: string) => s.store.messages(convId, { limit: 500 }).map((m) => m.body);

before(async () => {
  if (skip) return;
  server = await startInspircd({ tls: true, history: true });
  alice = await profile(
    'alice',
    `[[accounts]]\nname = "local"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = ${server.tlsPort}\ntls = true\nca_file = "${server.caFile}"\nnick = "alice"\nchannels = ["#natter"]\n`,
  );
  bob = await profile(
    'bob',
    `[[accounts]]\nname = "local"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = ${server.port}\ntls = false\nnick = "bob"\nchannels = ["#natter"]\n`,
  );
  await alice.engine.start();
  await bob.engine.start();
  witness = await RawIrcClient.connect('127.0.0.1', server.port, 'witness');
  witness.join('#natter');
  await waitFor(() => channelOf(alice)?.joined && channelOf(bob)?.joined, 'both natter accounts joined #natter');
});

after(async () => {
  if (skip) return;
  witness?.close();
  await alice?.close();
  await bob?.close();
  await server?.stop();
});

test('channel and query messages travel both ways with server ids and times', { skip }, async () => {
  const aliceChan = channelOf(alice)!;
  const res = await alice.engine.dispatch({ type: 'send', conversationId: aliceChan.id, body: 'hello bob, over TLS' });
  assert.equal(res.ok, true);
  await waitFor(() => bodies(bob, channelOf(bob)!.id).includes('hello bob, over TLS'), 'bob got the channel message');
  await waitFor(() => alice.store.messages(aliceChan.id, { limit: 50 }).find((m) => m.body === 'hello bob, over TLS')?.delivery === 'sent', 'alice sees it sent');
  const mine = alice.store.messages(aliceChan.id, { limit: 50 }).find((m) => m.body === 'hello bob, over TLS')!;
  assert.ok(mine.remoteId, 'the echo gave the message its msgid');
  const theirs = bob.store.messages(channelOf(bob)!.id, { limit: 50 }).find((m) => m.body === 'hello bob, over TLS')!;
  assert.equal(theirs.remoteId, mine.remoteId, 'both sides know the message by the same msgid');
  assert.equal(theirs.sentAt, mine.sentAt, 'both sides use the server time');

  const opened = await bob.engine.dispatch({ type: 'open', accountId: 'local', address: 'alice', body: 'psst, alice' });
  assert.equal(opened.ok, true);
  await waitFor(() => {
    const q = alice.store.findConversation('local', 'bob');
    return q && q.kind === 'direct' && bodies(alice, q.id).includes('psst, alice');
  }, 'alice got the query');
  const q = alice.store.findConversation('local', 'bob')!;
  assert.equal(q.unread, 1);

  // Leaving and joining again makes the server replay the channel history (+H): nothing may show twice.
  const bobChan = channelOf(bob)!;
  await bob.engine.dispatch({ type: 'part', conversationId: bobChan.id });
  await waitFor(() => !channelOf(bob)?.joined, 'bob left');
  await bob.engine.dispatch({ type: 'join', accountId: 'local', address: '#natter' });
  await waitFor(() => channelOf(bob)?.joined, 'bob is back');
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(bodies(bob, bobChan.id).filter((b) => b === 'hello bob, over TLS').length, 1);
});

test('a hostile peer cannot reach the terminal: escape sequences arrive sanitized in the store', { skip }, async () => {
  const evil = 'pwn\x1b[2J\x1b[H\x1b]0;owned\x07\x1b]52;c;cm0gLXJmIH4=\x07\u202edlrow\x1bP+q\x1b\\ end';
  witness.privmsg('#natter', evil);
  await waitFor(() => bodies(bob, channelOf(bob)!.id).some((b) => b.startsWith('pwn')), 'bob stored the hostile line');
  const stored = bob.store.messages(channelOf(bob)!.id, { limit: 50 }).find((m) => m.body.startsWith('pwn'))!;
  assert.ok(isSafeForTerminal(stored.body), JSON.stringify(stored.body));
  assert.ok(!stored.body.includes('cm0gLXJmIH4='), 'no clipboard payload left');
  assert.ok(stored.body.endsWith(' end'));
  assert.equal(stored.senderName, 'witness');
});

test('written while the server is down: pending, then delivered exactly once after it restarts', { skip }, async () => {
  const chan = channelOf(alice)!;
  await server.down();
  await waitFor(() => !alice.engine.isOnline('local'), 'alice noticed the server is gone');
  await alice.engine.dispatch({ type: 'send', conversationId: chan.id, body: 'while down one' });
  await alice.engine.dispatch({ type: 'send', conversationId: chan.id, body: 'while down two' });
  const pending = alice.store.messages(chan.id, { limit: 50 }).filter((m) => m.body.startsWith('while down'));
  assert.deepEqual(pending.map((m) => m.delivery), ['pending', 'pending']);

  witness.close();
  await server.restart();
  // The channel keeps history (+H), so the witness counts each message once whether it joins before or after
  // alice's reconnect: live, or in the join replay.
  witness = await RawIrcClient.connect('127.0.0.1', server.port, 'witness');
  witness.join('#natter');
  await waitFor(() => witness.count('#natter', 'while down') >= 2, 'the witness received both', 90_000);
  await waitFor(() => alice.store.messages(chan.id, { limit: 50 }).filter((m) => m.body.startsWith('while down') && m.delivery === 'sent').length === 2, 'alice sees both sent', 30_000);
  // Give a duplicate every chance to show up before counting.
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(witness.count('#natter', 'while down one'), 1);
  assert.equal(witness.count('#natter', 'while down two'), 1);
  assert.deepEqual(bodies(alice, chan.id).filter((b) => b.startsWith('while down')), ['while down one', 'while down two']);
  await waitFor(() => bodies(bob, channelOf(bob)!.id).filter((b) => b.startsWith('while down')).length === 2, 'bob got both once');
});
