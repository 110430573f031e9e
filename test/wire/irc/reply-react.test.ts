// IRCv3 client tags +draft/reply and +draft/react (https://ircv3.net/specs/client-tags/reply, …/react): frames sent,
// events emitted, and capabilities that depend on message-tags and CLIENTTAGDENY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODERN_CAPS } from './fake-server.js';
import { connectAdapter } from './setup.js';

test('with message-tags, replies and reactions are capabilities; without it (or denied) they are not', async () => {
  let w = await connectAdapter();
  try {
    assert.equal(w.adapter.capabilities.replies, true);
    assert.equal(w.adapter.capabilities.reactions, true);
  } finally {
    await w.stop();
  }
  w = await connectAdapter({}, { caps: MODERN_CAPS.filter((c) => c !== 'message-tags') });
  try {
    assert.equal(w.adapter.capabilities.replies, false);
    assert.equal(w.adapter.capabilities.reactions, false);
  } finally {
    await w.stop();
  }
  w = await connectAdapter({}, { caps: MODERN_CAPS, isupport: ['CLIENTTAGDENY=*,-typing'] });
  try {
    assert.equal(w.adapter.capabilities.typing, true);
    assert.equal(w.adapter.capabilities.replies, false);
    assert.equal(w.adapter.capabilities.reactions, false);
  } finally {
    await w.stop();
  }
});

test('send() with replyTo tags the first line with +draft/reply (escaped) next to the label', async () => {
  const w = await connectAdapter();
  try {
    const pending = w.adapter.send({
      localId: 'L1',
      conversation: { remoteId: '#natter', kind: 'channel' },
      kind: 'text',
      body: 'sure',
      replyTo: 'abc;d e',
    });
    const frame = await w.conn.waitFor(/PRIVMSG #natter :sure$/);
    assert.match(frame, /^@label=[A-Za-z0-9]+;\+draft\/reply=abc\\:d\\se PRIVMSG #natter :sure$/);
    const label = /^@label=([A-Za-z0-9]+)/.exec(frame)![1];
    w.conn.send(`@label=${label};msgid=m-9 :alice!u@h PRIVMSG #natter :sure`);
    assert.equal((await pending).remoteId, 'm-9');
  } finally {
    await w.stop();
  }
});

test('react(): TAGMSG with +draft/reply and +draft/react; taking it back sends +draft/unreact', async () => {
  const w = await connectAdapter();
  try {
    w.conn.send(':alice!u@h JOIN #natter');
    await w.adapter.react!('m-1', '#natter', '👍', true);
    await w.conn.waitFor(/^@\+draft\/reply=m-1;\+draft\/react=👍 TAGMSG #natter$/);
    await w.adapter.react!('m-1', '#natter', '👍', false);
    await w.conn.waitFor(/^@\+draft\/reply=m-1;\+draft\/unreact=👍 TAGMSG #natter$/);
  } finally {
    await w.stop();
  }
});

test('incoming: +draft/reply on PRIVMSG is replyTo; react/unreact TAGMSGs are reaction updates (channel and query)', async () => {
  const w = await connectAdapter();
  try {
    w.conn.send(':alice!u@h JOIN #natter');
    w.conn.send('@msgid=m-2;+draft/reply=m-1 :bob!b@h PRIVMSG #natter :me too');
    const e = await w.ctx.waitFor((x) => x.type === 'message' && x.message.remoteId === 'm-2', 'reply');
    assert.equal(e.type === 'message' && e.message.replyTo, 'm-1');
    w.conn.send(
      '@+draft/reply=m-1;+draft/react=🎉 :bob!b@h TAGMSG #natter',
      '@+draft/reply=m-1;+draft/unreact=🎉 :bob!b@h TAGMSG #natter',
      '@+draft/reply=q-1;+draft/react=❤️ :carol!c@h TAGMSG alice',
      '@+draft/react=👍 :carol!c@h TAGMSG #natter',
    );
    await w.ctx.waitFor((x) => x.type === 'message.update' && x.conversationRemoteId === 'carol', 'query reaction');
    await w.conn.sync();
    assert.deepEqual(w.ctx.ofType('message.update'), [
      { type: 'message.update', conversationRemoteId: '#natter', targetRemoteId: 'm-1', change: { kind: 'reaction', senderId: 'bob', key: '🎉', add: true } },
      { type: 'message.update', conversationRemoteId: '#natter', targetRemoteId: 'm-1', change: { kind: 'reaction', senderId: 'bob', key: '🎉', add: false } },
      { type: 'message.update', conversationRemoteId: 'carol', targetRemoteId: 'q-1', change: { kind: 'reaction', senderId: 'carol', key: '❤️', add: true } },
    ], 'a reaction without +draft/reply names no message and is dropped');
  } finally {
    await w.stop();
  }
});

test('an INVITE to a channel we are not in becomes an invited conversation; our own JOIN answers it', async () => {
  const w = await connectAdapter();
  try {
    w.conn.send(':bob!b@h INVITE alice #secret', ':bob!b@h INVITE carol #other');
    await w.ctx.waitFor((x) => x.type === 'notice' && x.text.includes('#secret'), 'notice');
    await w.conn.sync();
    assert.deepEqual(w.ctx.ofType('conversation').filter((c) => c.conversation.remoteId !== '*'), [
      { type: 'conversation', conversation: { remoteId: '#secret', kind: 'channel', title: '#secret', invitedBy: 'bob' } },
    ], 'invite-notify about someone else is no invitation of ours');
    w.conn.send(':alice!u@h JOIN #secret');
    await w.ctx.waitFor((x) => x.type === 'conversation' && x.conversation.joined === true, 'joined');
    const last = w.ctx.ofType('conversation').at(-1)!;
    assert.equal(last.conversation.invitedBy, null);
    await w.adapter.declineInvite!('#secret');
  } finally {
    await w.stop();
  }
});
