/**
 * Two natter profiles (engine + store, as the app runs them) talk through a real Prosody: one-to-one messages with
 * receipts, and bob's messages that arrive while he is offline are delivered exactly once when he comes back (the
 * server's offline delivery and the archive catch-up both bring them; dedup by stanza-id keeps one). Loading older
 * history from the archive never doubles a message either.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, type Session } from '../../../src/app/open-session.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { waitFor } from '../../harness/wait-for.js';
import { PASSWORD, skipReason } from './support.js';

const skip = skipReason();
let server: ProsodyServer;
let alice: Session;
let bob: Session;
let bobHome: string;

function home(name: string, user: string): string {
  const dir = mkdtempSync(join(tmpdir(), `natter-${name}-`));
  writeFileSync(
    join(dir, 'config.toml'),
    `[[accounts]]\nname = "local"\nprotocol = "xmpp"\njid = "${user}@localhost"\nhost = "127.0.0.1"\nport = ${server.port}\n` +
      `ca_file = "${server.caFile}"\npassword = "${PASSWORD}"\n`,
    { mode: 0o600 },
  );
  return dir;
}

async function open(dir: string): Promise<Session> {
  const s = await openSession({ env: { ...process.env, NATTER_HOME: dir } });
  await s.engine.start();
  await waitFor(() => s.engine.isOnline('local'), 'online');
  return s;
}

const conv = (s: Session, peer: string) => s.store.findConversation('local', peer);
const ids = (s: Session) => s.store.messages(conv(s, 'alice@localhost')!.id, { limit: 50 }).map((m) => m.remoteId);
const bodies = (s: Session, peer: string) => {
  const c = conv(s, peer);
  return c ? s.store.messages(c.id, { limit: 500 }).map((m) => m.body) : [];
};

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD } });
  alice = await open(home('alice', 'alice'));
  bobHome = home('bob', 'bob');
  bob = await open(bobHome);
});

after(async () => {
  if (skip) return;
  await alice?.close();
  await bob?.close();
  await server?.stop();
});

test('one-to-one through the engine: stored once on both sides, delivered by receipt', { skip }, async () => {
  const res = await alice.engine.dispatch({ type: 'open', accountId: 'local', address: 'bob@localhost', body: 'hello bob' });
  assert.equal(res.ok, true);
  await waitFor(() => bodies(bob, 'alice@localhost').includes('hello bob'), 'bob got it');
  const c = conv(alice, 'bob@localhost')!;
  await waitFor(() => {
    const m = alice.store.messages(c.id, { limit: 10 }).find((x) => x.body === 'hello bob');
    return m?.delivery === 'delivered' && m.remoteId;
  }, 'receipt');
  const mine = alice.store.messages(c.id, { limit: 10 }).find((m) => m.body === 'hello bob')!;
  assert.equal(mine.remoteId, mine.id, 'in one-to-one chat the message id (= origin-id) is the remote id');
  assert.equal(conv(bob, 'alice@localhost')!.unread, 1);
});

test('messages sent while bob is offline arrive exactly once when he is back (offline delivery + MAM catch-up)', { skip }, async () => {
  const marker = bob.store.kv('local').get('mam:last');
  assert.ok(marker, 'the live message moved the archive marker');
  await bob.close();
  const c = conv(alice, 'bob@localhost')!;
  for (const text of ['while you were out 1', 'while you were out 2', 'while you were out 3']) {
    await alice.engine.dispatch({ type: 'send', conversationId: c.id, body: text });
  }
  await waitFor(() => alice.store.messages(c.id, { limit: 10 }).filter((m) => m.delivery === 'sent' || m.delivery === 'delivered').length === 4, 'alice sent them');
  bob = await open(bobHome);
  await waitFor(() => bodies(bob, 'alice@localhost').includes('while you were out 3'), 'bob caught up');
  // Prosody flushes offline messages on the initial presence, before it answers the archive query that follows it,
  // so once the catch-up moved its marker past them both paths have delivered; drain applies what is queued.
  await waitFor(() => {
    const now = bob.store.kv('local').get('mam:last');
    return now !== undefined && now !== marker && ids(bob).includes(now);
  }, 'catch-up reached the newest message');
  bob.engine.drain();
  // Sorted: Prosody stamps delayed messages to the second, so order within one second is not the send order.
  assert.deepEqual(bodies(bob, 'alice@localhost').sort(), ['hello bob', 'while you were out 1', 'while you were out 2', 'while you were out 3']);
  assert.equal(new Set(ids(bob)).size, 4, 'four distinct stanza-ids');
});

test('loading older history from the archive adds nothing already shown', { skip }, async () => {
  const c = conv(alice, 'bob@localhost')!;
  const res = await alice.engine.dispatch({ type: 'load-older', conversationId: c.id });
  assert.equal(res.ok, true);
  assert.deepEqual(bodies(alice, 'bob@localhost').sort(), ['hello bob', 'while you were out 1', 'while you were out 2', 'while you were out 3']);
  const bc = conv(bob, 'alice@localhost')!;
  await bob.engine.dispatch({ type: 'load-older', conversationId: bc.id });
  assert.deepEqual(bodies(bob, 'alice@localhost').sort(), ['hello bob', 'while you were out 1', 'while you were out 2', 'while you were out 3']);
});

test('OMEMO is on by default through the config: both sides store how each message was protected', { skip }, async () => {
  // Both profiles publish OMEMO devices (alice since the start, bob since his restart above), so the default
  // (`omemo = true`) encrypts: the outbox stores the send's SendResult.encryption on the own row, the receiver the
  // decrypted message's.
  const send = async (from: Session, to: Session, fromJid: string, toJid: string, body: string) => {
    const res = await from.engine.dispatch({ type: 'open', accountId: 'local', address: toJid, body });
    assert.equal(res.ok, true);
    await waitFor(() => bodies(to, fromJid).includes(body), `${toJid} got "${body}"`);
    const c = conv(from, toJid)!;
    await waitFor(() => from.store.messages(c.id, { limit: 50 }).some((m) => m.body === body && m.delivery !== 'pending'), 'sent');
    const mine = from.store.messages(c.id, { limit: 50 }).find((m) => m.body === body)!;
    const theirs = to.store.messages(conv(to, fromJid)!.id, { limit: 50 }).find((m) => m.body === body)!;
    assert.equal(mine.encryption.scheme, 'omemo:2', `${fromJid}'s own row`);
    assert.equal(mine.encryption.trust, 'unverified');
    assert.equal(theirs.encryption.scheme, 'omemo:2', `${toJid}'s row`);
    assert.equal(theirs.encryption.error, undefined);
  };
  await send(bob, alice, 'bob@localhost', 'alice@localhost', 'protected by default');
  await send(alice, bob, 'alice@localhost', 'bob@localhost', 'and back');
});
