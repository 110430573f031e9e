import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODERN_CAPS } from './fake-server.js';
import { connectAdapter } from './setup.js';

test('incoming +typing TAGMSG → typing events (channel and query); own echoes ignored', async () => {
  const w = await connectAdapter();
  try {
    w.conn.send(':alice!u@h JOIN #natter');
    w.conn.send('@+typing=active :bob!b@h TAGMSG #natter', '@+typing=done :bob!b@h TAGMSG #natter', '@+typing=paused :carol!c@h TAGMSG alice', '@+typing=active :alice!u@h TAGMSG #natter');
    await w.ctx.waitFor((e) => e.type === 'typing' && e.senderId === 'carol', 'carol typing');
    await w.conn.sync();
    assert.deepEqual(w.ctx.ofType('typing'), [
      { type: 'typing', conversationRemoteId: '#natter', senderId: 'bob', senderName: 'bob', active: true },
      { type: 'typing', conversationRemoteId: '#natter', senderId: 'bob', senderName: 'bob', active: false },
      { type: 'typing', conversationRemoteId: 'carol', senderId: 'carol', senderName: 'carol', active: false },
    ]);
  } finally {
    await w.stop();
  }
});

test('setTyping(): active at most every 3 s per conversation, done once', async () => {
  const w = await connectAdapter();
  try {
    let now = 1_000_000;
    w.ctx.now = () => now;
    const from = w.conn.frames.length;
    await w.adapter.setTyping!('#natter', true);
    await w.adapter.setTyping!('#natter', true);
    now += 2999;
    await w.adapter.setTyping!('#natter', true);
    now += 1;
    await w.adapter.setTyping!('#natter', true);
    await w.adapter.setTyping!('#natter', false);
    await w.adapter.setTyping!('#natter', false);
    await w.conn.sync();
    assert.deepEqual(w.conn.frames.slice(from).filter((f) => f.includes('TAGMSG')), [
      '@+typing=active TAGMSG #natter',
      '@+typing=active TAGMSG #natter',
      '@+typing=done TAGMSG #natter',
    ]);
  } finally {
    await w.stop();
  }
});

test('CLIENTTAGDENY=* turns typing off and setTyping() sends nothing', async () => {
  const w = await connectAdapter({}, { caps: MODERN_CAPS, isupport: ['CLIENTTAGDENY=*'] });
  try {
    assert.equal(w.adapter.capabilities.typing, false);
    const from = w.conn.frames.length;
    await w.adapter.setTyping!('#natter', true);
    await w.conn.sync();
    assert.ok(!w.conn.frames.slice(from).some((f) => f.includes('TAGMSG')));
  } finally {
    await w.stop();
  }
});
