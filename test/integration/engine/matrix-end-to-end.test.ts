/**
 * Two natter profiles with Matrix accounts (full engine, store and adapters) through the in-memory test homeserver:
 * an encrypted DM opened with /dm, the invitation accepted by joining, messages, a reply, an edit, a reaction and a
 * read receipt end up in both stores, with what protected them; a hostile display name is stored sanitized.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, type Session } from '../../../src/app/open-session.js';
import { isSafeForTerminal } from '../../../src/core/sanitize.js';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { waitFor } from '../../harness/wait-for.js';
import { PASSWORD, releaseTimers, startServer } from '../matrix/support.js';

const skip = process.env.NATTER_TEST_MATRIX_URL ? 'uses the local homeserver' : undefined;
let server: MatrixTestServer;
let alice: Session;
let bob: Session;
let aliceId = '';
let bobId = '';

function profile(name: string, body: string): Promise<Session> {
  const home = mkdtempSync(join(tmpdir(), `natter-${name}-`));
  writeFileSync(join(home, 'config.toml'), body, { mode: 0o600 });
  return openSession({ env: { ...process.env, NATTER_HOME: home } });
}

const account = (user: string) => `[[accounts]]\nname = "hs"\nprotocol = "matrix"\nhomeserver = "${server.url}"\nuser = "${user}"\npassword = "${PASSWORD}"\n`;
const online = (s: Session) => s.store.listAccounts().find((a) => a.id === 'hs')?.state === 'online';

before(async () => {
  if (skip) return;
  server = await startServer();
  aliceId = (await server.register('alice', PASSWORD)).userId;
  const b = await server.register('bob', PASSWORD);
  bobId = b.userId;
  // Bob's display name carries escape sequences (set over plain HTTP, as any other client could).
  await fetch(`${server.url}/_matrix/client/v3/profile/${encodeURIComponent(bobId)}/displayname`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${b.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ displayname: 'Bob\u001b]0;owned\u0007\u001b[31m' }),
  });
  alice = await profile('alice', account(aliceId));
  bob = await profile('bob', account(bobId));
  await alice.engine.start();
  await bob.engine.start();
  await waitFor(() => online(alice) && online(bob), 'both accounts online', 60_000);
});

after(async () => {
  if (skip) return;
  await alice?.close();
  await bob?.close();
  await server?.stop();
  releaseTimers();
});

test('an encrypted DM through two full natter sessions', { skip, timeout: 240_000 }, async () => {
  const made = await alice.engine.dispatch({ type: 'protocol', accountId: 'hs', name: 'dm', args: [bobId] });
  assert.equal(made.ok, true);
  let invite = bob.store.listConversations().find((c) => c.kind === 'direct');
  await waitFor(() => (invite = bob.store.listConversations().find((c) => c.kind === 'direct' && !c.joined)), 'bob has the invitation', 60_000);
  const joined = await bob.engine.dispatch({ type: 'join', accountId: 'hs', address: invite!.remoteId });
  assert.equal(joined.ok, true);
  await waitFor(() => bob.store.findConversation('hs', invite!.remoteId)?.joined, 'bob joined', 60_000);
  const aliceDm = () => alice.store.findConversation('hs', invite!.remoteId)!;
  const bobDm = () => bob.store.findConversation('hs', invite!.remoteId)!;
  await waitFor(() => alice.store.listMembers(aliceDm().id).some((m) => m.id === bobId), 'bob a member', 60_000);

  const sent = await alice.engine.dispatch({ type: 'send', conversationId: aliceDm().id, body: 'hello bob, encrypted' });
  assert.equal(sent.ok, true);
  const bodies = (s: Session, id: string) => s.store.messages(id, { limit: 200 });
  await waitFor(() => bodies(bob, bobDm().id).some((m) => m.body === 'hello bob, encrypted'), 'bob has the message', 60_000);
  await waitFor(() => bodies(alice, aliceDm().id).find((m) => m.body === 'hello bob, encrypted')?.delivery === 'sent', 'sent', 60_000);
  const mine = bodies(alice, aliceDm().id).find((m) => m.body === 'hello bob, encrypted')!;
  const theirs = bodies(bob, bobDm().id).find((m) => m.body === 'hello bob, encrypted')!;
  assert.equal(theirs.remoteId, mine.remoteId);
  assert.equal(theirs.encryption.scheme, 'megolm');
  assert.equal(theirs.encryption.error, undefined);

  // Bob answers; his hostile display name is stored harmless.
  const reply = await bob.engine.dispatch({ type: 'reply', conversationId: bobDm().id, body: 'hi alice', messageId: theirs.id });
  assert.equal(reply.ok, true);
  await waitFor(() => bodies(alice, aliceDm().id).some((m) => m.body === 'hi alice'), 'alice has the reply', 60_000);
  const answer = bodies(alice, aliceDm().id).find((m) => m.body === 'hi alice')!;
  assert.equal(answer.replyTo, mine.remoteId);
  assert.ok(isSafeForTerminal(answer.senderName), `sanitized sender name ${JSON.stringify(answer.senderName)}`);
  assert.ok(answer.senderName.startsWith('Bob'));

  // Edit, reaction, read receipt.
  assert.equal((await alice.engine.dispatch({ type: 'edit', conversationId: aliceDm().id, body: 'hello bob, edited', messageId: mine.id })).ok, true);
  await waitFor(() => bodies(bob, bobDm().id).find((m) => m.remoteId === mine.remoteId)?.body === 'hello bob, edited', 'bob sees the edit', 60_000);
  assert.ok(bodies(bob, bobDm().id).find((m) => m.remoteId === mine.remoteId)!.editedAt);
  assert.equal((await bob.engine.dispatch({ type: 'react', conversationId: bobDm().id, key: '👍', messageId: theirs.id })).ok, true);
  await waitFor(() => bodies(alice, aliceDm().id).find((m) => m.id === mine.id)?.reactions.some((r) => r.key === '👍' && r.senders.includes(bobId)), 'alice sees the reaction', 60_000);
  const last = bodies(bob, bobDm().id).at(-1)!;
  assert.equal((await bob.engine.dispatch({ type: 'mark-read', conversationId: bobDm().id, seq: last.seq })).ok, true);
  await waitFor(() => bodies(alice, aliceDm().id).find((m) => m.id === mine.id)?.delivery === 'read', 'alice sees it read', 60_000);
});
