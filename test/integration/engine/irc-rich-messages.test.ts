/**
 * Replies and reactions between two natter profiles through a real InspIRCd 3 (message-tags on): alice answers bob's
 * message and reacts to it; bob's engine stores the reply with its target and the reaction on the right message, and
 * the timeline shows "↳ bob: …" above the reply and "👍 1" below the message. A raw client witnesses the tags on the
 * wire. Taking the reaction back (+draft/unreact) removes it on both sides.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, type Session } from '../../../src/app/open-session.js';
import { messageLines } from '../../../src/ui/message-lines.js';
import { inspircdUnavailable, startInspircd, type InspircdServer } from '../../harness/inspircd.js';
import { RawIrcClient } from '../../harness/raw-irc-client.js';
import { waitFor } from '../../harness/wait-for.js';

const skip = process.env.CI === 'true' ? undefined : inspircdUnavailable();
let server: InspircdServer;
let alice: Session;
let bob: Session;
let witness: RawIrcClient;

function profile(name: string, port: number): Promise<Session> {
  const home = mkdtempSync(join(tmpdir(), `natter-${name}-`));
  writeFileSync(
    join(home, 'config.toml'),
    `[[accounts]]\nname = "local"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = ${port}\ntls = false\nnick = "${name}"\nchannels = ["#rich"]\n`,
    { mode: 0o600 },
  );
  return openSession({ env: { ...process.env, NATTER_HOME: home } });
}

const channelOf = (s: Session) => s.store.findConversation('local', '#rich');
const page = (s: Session) => s.engine.messages(channelOf(s)!.id, { limit: 100 });
const shown = (s: Session, body: string) => {
  const m = page(s).find((x) => x.body === body);
  return m ? messageLines(m, 80, undefined, s.engine.selfOf('local')).map((l) => l.map((x) => x.text).join('')) : [];
};

before(async () => {
  if (skip) return;
  server = await startInspircd();
  alice = await profile('alice', server.port);
  bob = await profile('bob', server.port);
  await alice.engine.start();
  await bob.engine.start();
  witness = await RawIrcClient.connect('127.0.0.1', server.port, 'witness');
  // Tags reach only clients that asked for them (https://ircv3.net/specs/extensions/message-tags).
  witness.raw('CAP REQ :message-tags');
  await waitFor(() => witness.lines.some((l) => / CAP \S+ ACK :message-tags/.test(l)), 'the witness has message-tags');
  witness.join('#rich');
  await waitFor(() => channelOf(alice)?.joined && channelOf(bob)?.joined, 'both joined #rich');
});

after(async () => {
  if (skip) return;
  witness?.close();
  await alice?.close();
  await bob?.close();
  await server?.stop();
});

test('the server offers message-tags, so replies and reactions are capabilities of both accounts', { skip }, async () => {
  await waitFor(() => alice.engine.runtime('local')?.adapter?.capabilities.reactions === true, 'alice can react');
  assert.equal(alice.engine.runtime('local')!.adapter!.capabilities.replies, true);
  assert.equal(bob.engine.runtime('local')!.adapter!.capabilities.reactions, true);
});

test('a reply travels with +draft/reply and is shown under a quote of the message it answers', { skip }, async () => {
  const bobChan = channelOf(bob)!;
  await bob.engine.dispatch({ type: 'send', conversationId: bobChan.id, body: 'who reviews the patch?' });
  await waitFor(() => page(alice).some((m) => m.body === 'who reviews the patch?' && m.remoteId), 'alice got the question');
  await waitFor(() => page(bob).find((m) => m.body === 'who reviews the patch?')?.remoteId, 'bob knows its msgid');
  const question = page(alice).find((m) => m.body === 'who reviews the patch?')!;

  // No selection: the reply goes to the last message from someone else, i.e. bob's question.
  const res = await alice.engine.dispatch({ type: 'reply', conversationId: channelOf(alice)!.id, body: 'I will' });
  assert.deepEqual(res, { ok: true });
  await waitFor(() => page(bob).some((m) => m.body === 'I will'), 'bob got the reply');
  const reply = page(bob).find((m) => m.body === 'I will')!;
  assert.equal(reply.replyTo, question.remoteId, 'the reply names the question by its msgid');
  assert.deepEqual(reply.replyPreview, { senderName: 'bob', body: 'who reviews the patch?' });
  const lines = shown(bob, 'I will');
  assert.match(lines[0]!, /^ *↳ bob: who reviews the patch\?$/, 'bob sees the quote above the reply');
  assert.match(lines[1]!, /<alice> I will$/);
  await waitFor(() => witness.lines.some((l) => l.includes(`+draft/reply=${question.remoteId}`) && l.includes('PRIVMSG #rich :I will')), 'the witness saw the tag');
  // Alice's own copy carries the same reference.
  await waitFor(() => page(alice).find((m) => m.body === 'I will')?.delivery === 'sent', 'alice sees it sent');
  assert.equal(page(alice).find((m) => m.body === 'I will')!.replyTo, question.remoteId);
});

test('a reaction travels as a TAGMSG, lands on the right message on both sides, and taking it back removes it', { skip }, async () => {
  const question = page(alice).find((m) => m.body === 'who reviews the patch?')!;
  const res = await alice.engine.dispatch({ type: 'react', conversationId: channelOf(alice)!.id, key: '👍', messageId: question.id });
  assert.deepEqual(res, { ok: true });
  await waitFor(() => page(bob).find((m) => m.body === 'who reviews the patch?')?.reactions.length === 1, 'bob sees the reaction');
  const onBob = page(bob).find((m) => m.body === 'who reviews the patch?')!;
  assert.deepEqual(onBob.reactions, [{ key: '👍', senders: ['alice'] }]);
  const lines = shown(bob, 'who reviews the patch?');
  assert.match(lines[1] ?? '', /^ *👍 1$/, 'shown on the line below the message');
  assert.deepEqual(page(alice).find((m) => m.id === question.id)!.reactions, [{ key: '👍', senders: ['alice'] }]);
  // InspIRCd writes the target as a trailing parameter (`TAGMSG :#rich`).
  await waitFor(() => witness.lines.some((l) => /\+draft\/react=👍.* TAGMSG :?#rich$/.test(l)), 'the witness saw the TAGMSG');

  // The same /react again takes it back.
  const back = await alice.engine.dispatch({ type: 'react', conversationId: channelOf(alice)!.id, key: '👍', messageId: question.id });
  assert.deepEqual(back, { ok: true, info: 'removed 👍' });
  await waitFor(() => page(bob).find((m) => m.body === 'who reviews the patch?')?.reactions.length === 0, 'bob sees it taken back');
  // Wait for alice's own echo to settle, then check the state held.
  await waitFor(() => witness.lines.some((l) => /\+draft\/unreact=👍/.test(l)), 'the witness saw the unreact');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(page(alice).find((m) => m.id === question.id)!.reactions, []);
});

test('IRC has no edits or deletions: the engine says so in plain words', { skip }, async () => {
  const conv = channelOf(alice)!;
  assert.deepEqual(await alice.engine.dispatch({ type: 'edit', conversationId: conv.id, body: 'x' }), {
    ok: false,
    error: 'IRC on this server has no message editing',
  });
  assert.deepEqual(await alice.engine.dispatch({ type: 'retract', conversationId: conv.id }), {
    ok: false,
    error: 'IRC on this server has no message deletion',
  });
});

test('an INVITE becomes an invited conversation: /decline forgets it, a new invitation brings it back, /join accepts', { skip }, async () => {
  witness.join('#hideout');
  await waitFor(() => witness.lines.some((l) => / JOIN :?#hideout/.test(l)), 'the witness is in #hideout');
  witness.raw('INVITE alice #hideout');
  await waitFor(() => alice.store.findConversation('local', '#hideout')?.invitedBy === 'witness', 'alice sees the invitation');
  const conv = alice.store.findConversation('local', '#hideout')!;
  assert.equal(conv.joined, false);
  assert.ok(alice.engine.conversations().some((c) => c.id === conv.id), 'listed in the sidebar');

  assert.deepEqual(await alice.engine.dispatch({ type: 'decline', conversationId: conv.id }), {
    ok: true,
    info: 'declined the invitation from witness',
  });
  assert.ok(!alice.engine.conversations().some((c) => c.id === conv.id), 'gone from the sidebar');

  witness.raw('INVITE alice #hideout');
  await waitFor(() => alice.engine.conversations().some((c) => c.id === conv.id && c.invitedBy === 'witness'), 'invited again');
  const joined = await alice.engine.dispatch({ type: 'join', accountId: 'local', address: '#hideout' });
  assert.equal(joined.ok, true);
  await waitFor(() => alice.store.getConversation(conv.id)?.joined, 'alice joined #hideout');
  assert.equal(alice.store.getConversation(conv.id)!.invitedBy, undefined);
  await waitFor(() => witness.lines.some((l) => /^:alice!\S+ JOIN :?#hideout/.test(l)), 'the witness saw alice join');
});
