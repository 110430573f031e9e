/**
 * The frames natter sends for replies, corrections, reactions, retractions, moderation and markers: an XmppState over
 * a fake connection that records every stanza written (and answers IQs when a test says how).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import parse from '@xmpp/xml/lib/parse.js';
import type { Element } from '@xmpp/xml';
import { SendRejected } from '../../../src/core/contract.js';
import { dispatch } from '../../../adapters/xmpp/events/index.js';
import { readOptions } from '../../../adapters/xmpp/options.js';
import { sendDisplayed, sendEdit, sendReaction, sendRetraction } from '../../../adapters/xmpp/rich-sending.js';
import { sendMessage } from '../../../adapters/xmpp/sending.js';
import { makeSession } from '../../../adapters/xmpp/session.js';
import { XmppState, type Connection } from '../../../adapters/xmpp/state.js';
import { recordingContext } from '../../harness/irc-context.js';
import { OWN } from './setup.js';

const ROOM = 'room@muc.example.org';

function state(answer?: (iq: Element) => string | undefined) {
  const s = new XmppState();
  s.ctx = recordingContext({ jid: OWN });
  s.opts = readOptions(s.ctx.config);
  s.session = makeSession(s);
  s.session.full = `${OWN}/natter.1`;
  const sent: Element[] = [];
  const feed = (x: string) => {
    const el = parse(x);
    if (el.name === 'iq' && s.iqs.handle(el)) return;
    dispatch(s.session!, el);
  };
  const entity = {
    send: async (el: Element) => {
      sent.push(el);
      const reply = el.name === 'iq' ? answer?.(el) : undefined;
      if (reply) setImmediate(() => feed(reply));
    },
  };
  s.conn = { client: { entity, sm: { enabled: false } }, closed: false, online: true } as unknown as Connection;
  const room = s.rooms.add(ROOM, 'alice');
  room.joined = true;
  return { s, sent, feed, last: () => sent.at(-1)! };
}

const child = (el: Element, name: string, ns: string) => el.getChild(name, ns);

test('a reply quotes the answered message as fallback and names its id; every message asks for markers', async () => {
  const { s, feed, last } = state();
  feed(`<message type="chat" from="bob@example.org/pc" id="b-1"><body>lunch?\nat noon</body><stanza-id xmlns="urn:xmpp:sid:0" by="${OWN}" id="S-1"/></message>`);
  await sendMessage(s, { localId: 'l-1', conversation: { remoteId: 'bob@example.org', kind: 'direct' }, kind: 'text', body: 'sure', replyTo: 'S-1' });
  const m = last();
  const quote = '> bob@example.org wrote:\n> lunch?\n> at noon\n';
  assert.equal(m.getChildText('body'), `${quote}sure`);
  assert.deepEqual(child(m, 'reply', 'urn:xmpp:reply:0')!.attrs, { xmlns: 'urn:xmpp:reply:0', id: 'b-1', to: 'bob@example.org' });
  const fb = child(m, 'fallback', 'urn:xmpp:fallback:0')!;
  assert.equal(fb.attrs.for, 'urn:xmpp:reply:0');
  assert.deepEqual(fb.getChild('body')!.attrs, { start: '0', end: String([...quote].length) });
  assert.ok(child(m, 'markable', 'urn:xmpp:chat-markers:0'));
  // What natter sends, natter reads back as the reply without the quote.
  const echo = recordingContext({});
  const t = state();
  t.s.ctx = echo;
  t.s.session = makeSession(t.s);
  const back = parse(m.toString());
  back.attrs.from = 'carol@example.org/x';
  dispatch(t.s.session, back);
  assert.deepEqual(echo.ofType('message').map((e) => [e.message.body, e.message.replyTo]), [['sure', 'b-1']]);
});

test('a reply in a room names the room stanza-id and the occupant; an unknown target gets no quote', async () => {
  const { s, feed, last } = state();
  feed(`<message type="groupchat" from="${ROOM}/bob" id="x"><body>hi</body><stanza-id xmlns="urn:xmpp:sid:0" by="${ROOM}" id="R-1"/></message>`);
  const pending = [sendMessage(s, { localId: 'l-2', conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: 'hey bob', replyTo: 'R-1' })];
  await new Promise((r) => setImmediate(r));
  assert.equal(last().getChildText('body'), '> bob wrote:\n> hi\nhey bob');
  assert.deepEqual(child(last(), 'reply', 'urn:xmpp:reply:0')!.attrs, { xmlns: 'urn:xmpp:reply:0', id: 'R-1', to: `${ROOM}/bob` });
  pending.push(sendMessage(s, { localId: 'l-3', conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: 'plain', replyTo: 'R-unknown' }));
  await new Promise((r) => setImmediate(r));
  assert.equal(last().getChildText('body'), 'plain');
  assert.equal(child(last(), 'fallback', 'urn:xmpp:fallback:0'), undefined);
  assert.equal(child(last(), 'reply', 'urn:xmpp:reply:0')!.attrs.id, 'R-unknown');
  // No reflection comes in this test: end the sends instead of waiting for their timeout.
  s.outgoing.dropAll('test over');
  await Promise.allSettled(pending);
});

test('edit: one-to-one names our message id; in a room our origin-id learnt from the reflection, not the stanza-id', async () => {
  const { s, feed, last } = state();
  await sendEdit(s, 'l-1', 'bob@example.org', 'fixed');
  assert.equal(last().attrs.type, 'chat');
  assert.equal(last().getChildText('body'), 'fixed');
  assert.equal(child(last(), 'replace', 'urn:xmpp:message-correct:0')!.attrs.id, 'l-1');
  const sending = sendMessage(s, { localId: 'l-9', conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: 'oops' });
  await new Promise((r) => setImmediate(r));
  feed(`<message type="groupchat" from="${ROOM}/alice" id="l-9"><body>oops</body><origin-id xmlns="urn:xmpp:sid:0" id="l-9"/><stanza-id xmlns="urn:xmpp:sid:0" by="${ROOM}" id="R-9"/></message>`);
  assert.equal((await sending).remoteId, 'R-9');
  await sendEdit(s, 'R-9', ROOM, 'ok');
  assert.equal(last().attrs.type, 'groupchat');
  assert.equal(child(last(), 'replace', 'urn:xmpp:message-correct:0')!.attrs.id, 'l-9');
  // The mapping persists in kv: a new state over the same kv (a restart) still names l-9.
  const t = state();
  Object.assign(t.s.ctx!, { kv: s.ctx!.kv });
  await sendEdit(t.s, 'R-9', ROOM, 'ok again');
  assert.equal(child(t.last(), 'replace', 'urn:xmpp:message-correct:0')!.attrs.id, 'l-9');
});

test('react sends the complete new set each time, with a store hint; one-to-one names the message id', async () => {
  const { s, feed, sent } = state();
  feed(`<message type="chat" from="bob@example.org/pc" id="b-7"><body>news</body><stanza-id xmlns="urn:xmpp:sid:0" by="${OWN}" id="S-7"/></message>`);
  await sendReaction(s, 'S-7', 'bob@example.org', '👍', true);
  await sendReaction(s, 'S-7', 'bob@example.org', '🎉', true);
  await sendReaction(s, 'S-7', 'bob@example.org', '👍', false);
  await sendReaction(s, 'S-7', 'bob@example.org', '🎉', false);
  const sets = sent.filter((e) => e.getChild('reactions', 'urn:xmpp:reactions:0')).map((e) => {
    const r = e.getChild('reactions', 'urn:xmpp:reactions:0')!;
    assert.equal(r.attrs.id, 'b-7');
    assert.ok(e.getChild('store', 'urn:xmpp:hints'));
    return r.getChildren('reaction').map((x) => x.text());
  });
  assert.deepEqual(sets, [['👍'], ['👍', '🎉'], ['🎉'], []]);
});

test('retract: our own message with the fallback body; someone else\'s room message is moderated through the room', async () => {
  let refuse = false;
  const { s, feed, last, sent } = state((iq) =>
    refuse
      ? `<iq type="error" id="${iq.attrs.id}" from="${ROOM}"><error type="auth"><forbidden xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>`
      : `<iq type="result" id="${iq.attrs.id}" from="${ROOM}"/>`,
  );
  await sendRetraction(s, 'l-1', 'bob@example.org');
  assert.equal(child(last(), 'retract', 'urn:xmpp:message-retract:1')!.attrs.id, 'l-1');
  assert.equal(child(last(), 'fallback', 'urn:xmpp:fallback:0')!.attrs.for, 'urn:xmpp:message-retract:1');
  assert.match(last().getChildText('body')!, /attempted to retract/);
  assert.ok(child(last(), 'store', 'urn:xmpp:hints'));
  feed(`<message type="groupchat" from="${ROOM}/bob" id="x"><body>spam</body><stanza-id xmlns="urn:xmpp:sid:0" by="${ROOM}" id="R-5"/></message>`);
  await sendRetraction(s, 'R-5', ROOM, 'no spam');
  const iq = sent.at(-1)!;
  assert.equal(iq.name, 'iq');
  assert.equal(iq.attrs.to, ROOM);
  const mod = iq.getChild('moderate', 'urn:xmpp:message-moderate:1')!;
  assert.equal(mod.attrs.id, 'R-5');
  assert.ok(mod.getChild('retract', 'urn:xmpp:message-retract:1'));
  assert.equal(mod.getChildText('reason'), 'no spam');
  refuse = true;
  await assert.rejects(sendRetraction(s, 'R-5', ROOM), (e: unknown) => e instanceof SendRejected && /only a moderator/.test(e.reason));
});

test('markRead sends displayed once for the newest markable message up to the one shown, never for our own', async () => {
  const { s, feed, sent } = state();
  feed(`<message type="chat" from="bob@example.org/pc" id="b-1"><body>1</body><markable xmlns="urn:xmpp:chat-markers:0"/><stanza-id xmlns="urn:xmpp:sid:0" by="${OWN}" id="S-1"/></message>`);
  feed(`<message type="chat" from="bob@example.org/pc" id="b-2"><body>2</body><stanza-id xmlns="urn:xmpp:sid:0" by="${OWN}" id="S-2"/></message>`);
  feed(`<message type="chat" from="bob@example.org/pc" id="b-3"><body>3</body><markable xmlns="urn:xmpp:chat-markers:0"/><stanza-id xmlns="urn:xmpp:sid:0" by="${OWN}" id="S-3"/></message>`);
  const markers = () => sent.filter((e) => e.getChild('displayed', 'urn:xmpp:chat-markers:0')).map((e) => [e.attrs.to, e.attrs.type, e.getChild('displayed', 'urn:xmpp:chat-markers:0')!.attrs.id]);
  await sendDisplayed(s, 'bob@example.org', 'S-2');
  await sendDisplayed(s, 'bob@example.org', 'S-2');
  await sendDisplayed(s, 'bob@example.org', 'S-3');
  await sendDisplayed(s, 'bob@example.org', 'own-local-id');
  feed(`<message type="groupchat" from="${ROOM}/bob" id="g"><body>r</body><markable xmlns="urn:xmpp:chat-markers:0"/><stanza-id xmlns="urn:xmpp:sid:0" by="${ROOM}" id="R-1"/></message>`);
  feed(`<message type="groupchat" from="${ROOM}/alice" id="g2"><body>mine</body><markable xmlns="urn:xmpp:chat-markers:0"/><stanza-id xmlns="urn:xmpp:sid:0" by="${ROOM}" id="R-2"/></message>`);
  await sendDisplayed(s, ROOM, 'R-2');
  assert.deepEqual(markers(), [
    ['bob@example.org', 'chat', 'b-1'],
    ['bob@example.org', 'chat', 'b-3'],
    [ROOM, 'groupchat', 'R-1'],
  ]);
});

test('rich sends while offline are rejected as retryable; markRead offline does nothing', async () => {
  const { s, sent } = state();
  s.conn = undefined;
  await assert.rejects(sendEdit(s, 'x', 'bob@example.org', 'y'), (e: unknown) => e instanceof SendRejected && e.retryable);
  await assert.rejects(sendReaction(s, 'x', 'bob@example.org', '👍', true), SendRejected);
  await assert.rejects(sendRetraction(s, 'x', 'bob@example.org'), SendRejected);
  await sendDisplayed(s, 'bob@example.org', 'x');
  assert.deepEqual(sent, []);
});
