import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandError } from '../../../src/core/errors.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { client, PASSWORD, skipReason, type Client } from './support.js';

const skip = skipReason();
let server: ProsodyServer;
let alice: Client;
let bob: Client;
let carol: Client;

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD, carol: PASSWORD } });
  [alice, bob, carol] = await Promise.all([client(server, 'alice'), client(server, 'bob'), client(server, 'carol')]);
});

after(async () => {
  if (skip) return;
  await Promise.all([alice?.adapter.stop(), bob?.adapter.stop(), carol?.adapter.stop()]);
  await server?.stop();
});

test('/add asks, the request is shown with its answers, /accept makes presence flow', { skip }, async () => {
  const fromBob = bob.ctx.events.length;
  const fromAlice = alice.ctx.events.length;
  await alice.adapter.command('add', ['bob@localhost', 'Bob', 'B.']);
  await bob.ctx.waitFor(
    (e) => e.type === 'notice' && e.text === 'alice@localhost wants to see your presence: /accept alice@localhost or /deny alice@localhost',
    'request shown',
    10_000,
    fromBob,
  );
  await bob.adapter.command('accept', ['alice@localhost']);
  // Prosody turns bob's "subscribed" into a roster push for alice (not a presence), then bob's presence flows; and
  // /accept asked for alice's presence in turn, which she sees as a request.
  await alice.ctx.waitFor((e) => e.type === 'notice' && e.text.startsWith('bob@localhost wants to see your presence'), 'mutual request', 10_000, fromAlice);
  await alice.ctx.waitFor((e) => e.type === 'presence' && e.senderId === 'bob@localhost' && !e.away, "bob's presence", 10_000, fromAlice);
  // Roster pushes were acknowledged: the server kept both sessions.
  assert.ok(!alice.ctx.events.slice(fromAlice).some((e) => e.type === 'connection' && e.state !== 'online'));
  assert.ok(!bob.ctx.events.slice(fromBob).some((e) => e.type === 'connection' && e.state !== 'online'));
});

test('/block: a blocked contact cannot reach us (the send bounces); /unblock lets them again', { skip }, async () => {
  await alice.adapter.command('block', ['carol@localhost']);
  const mark = carol.ctx.events.length;
  // Prosody bounces it after accepting it: the send resolves on the ack, then the bounce marks it failed (or, when
  // the bounce comes first, the send itself is rejected).
  const sent = await carol.adapter
    .send({ localId: 'c-blocked', conversation: { remoteId: 'alice@localhost', kind: 'direct' }, kind: 'text', body: 'can you hear me' })
    .then(() => 'accepted', () => 'rejected');
  if (sent === 'accepted') {
    await carol.ctx.waitFor(
      (e) => e.type === 'message.update' && e.targetRemoteId === 'c-blocked' && e.change.kind === 'delivery' && e.change.state === 'failed',
      'the bounce marks it failed',
      10_000,
      mark,
    );
  }
  await alice.adapter.command('unblock', ['carol@localhost']);
  await carol.adapter.send({ localId: 'c-ok', conversation: { remoteId: 'alice@localhost', kind: 'direct' }, kind: 'text', body: 'now?' });
  await alice.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'now?', 'alice gets it after unblocking');
  assert.ok(!alice.ctx.ofType('message').some((e) => e.message.body === 'can you hear me'), 'alice never got the blocked one');
});

test('bad arguments are command errors in plain words', { skip }, async () => {
  await assert.rejects(alice.adapter.command('add', ['not a jid']), (e: unknown) => e instanceof CommandError && /needs an address/.test(e.userMessage));
  await assert.rejects(alice.adapter.command('nick', ['x']), (e: unknown) => e instanceof CommandError && /join one first/.test(e.userMessage));
  await assert.rejects(alice.adapter.command('frobnicate', []), (e: unknown) => e instanceof CommandError);
});
