import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODERN_CAPS } from './fake-server.js';
import { connectAdapter } from './setup.js';

test('CHATHISTORY: history() sends BEFORE with a label and resolves with the batch, marked historical', async () => {
  const w = await connectAdapter({}, { caps: [...MODERN_CAPS, 'draft/chathistory'], isupport: ['CHATHISTORY=100', 'MSGREFTYPES=msgid,timestamp'] });
  try {
    assert.equal(w.adapter.capabilities.history, true);
    const req = await w.conn.waitFor(/^CAP REQ /);
    assert.match(req, /draft\/chathistory/);
    const pending = w.adapter.history('#natter', 'msgid=m100', 2);
    const frame = await w.conn.waitFor(/CHATHISTORY BEFORE #natter msgid=m100 2$/);
    const label = /^@label=(\w+) /.exec(frame)?.[1];
    assert.ok(label, frame);
    const from = w.ctx.events.length;
    w.conn.send(
      `@label=${label} :irc.test BATCH +hx chathistory #natter`,
      '@batch=hx;time=2026-01-01T00:00:01.000Z;msgid=m98 :bob!b@h PRIVMSG #natter :older',
      '@batch=hx;time=2026-01-01T00:00:02.000Z;msgid=m99 :alice!u@h PRIVMSG #natter :mine',
      ':irc.test BATCH -hx',
    );
    const page = await pending;
    assert.deepEqual(page.messages.map((m) => [m.remoteId, m.body, m.direction, m.historical]), [
      ['m98', 'older', 'in', true],
      ['m99', 'mine', 'out', true],
    ]);
    assert.equal(page.next, 'msgid=m98', 'a full page points at its oldest message');
    await w.conn.sync();
    assert.equal(w.ctx.events.slice(from).filter((e) => e.type === 'message').length, 0, 'history pages are returned, not emitted');
    // A short page is the start of history: no cursor.
    const second = w.adapter.history('#natter', page.next, 2);
    const f2 = await w.conn.waitFor(/CHATHISTORY BEFORE #natter msgid=m98 2$/);
    const l2 = /^@label=(\w+) /.exec(f2)?.[1];
    w.conn.send(`@label=${l2} :irc.test BATCH +hy chathistory #natter`, '@batch=hy;msgid=m97 :bob!b@h PRIVMSG #natter :first', ':irc.test BATCH -hy');
    const p2 = await second;
    assert.equal(p2.messages.length, 1);
    assert.equal(p2.next, undefined);
    // Without a cursor the request starts at "now".
    void w.adapter.history('#natter', undefined, 5).catch(() => {});
    await w.conn.waitFor(/CHATHISTORY BEFORE #natter timestamp=\d{4}-\d\d-\d\dT[\d:.]+Z 5$/);
  } finally {
    await w.stop();
  }
});

test('FAIL CHATHISTORY ends paging with an empty page', async () => {
  const w = await connectAdapter({}, { caps: [...MODERN_CAPS, 'draft/chathistory'] });
  try {
    const pending = w.adapter.history('#natter', undefined, 10);
    const frame = await w.conn.waitFor(/CHATHISTORY BEFORE/);
    const label = /^@label=(\w+) /.exec(frame)?.[1];
    w.conn.send(`@label=${label} :irc.test FAIL CHATHISTORY INVALID_TARGET BEFORE #natter :No such channel`);
    assert.deepEqual(await pending, { messages: [] });
  } finally {
    await w.stop();
  }
});

test('without CHATHISTORY: history() resolves an empty page and sends nothing', async () => {
  const w = await connectAdapter();
  try {
    assert.equal(w.adapter.capabilities.history, false);
    const from = w.conn.frames.length;
    assert.deepEqual(await w.adapter.history('#natter', undefined, 50), { messages: [] });
    await w.conn.sync();
    assert.ok(!w.conn.frames.slice(from).some((f) => f.includes('CHATHISTORY')));
  } finally {
    await w.stop();
  }
});

test('ZNC playback batch messages are historical', async () => {
  const w = await connectAdapter();
  try {
    w.conn.send(
      ':irc.test BATCH +z1 znc.in/playback #natter',
      '@batch=z1;time=2026-01-01T00:00:01.000Z :bob!b@h PRIVMSG #natter :while you were away',
      ':irc.test BATCH -z1',
    );
    const e = await w.ctx.waitFor((x) => x.type === 'message' && x.message.body === 'while you were away', 'playback');
    assert.equal(e.type === 'message' && e.message.historical, true);
  } finally {
    await w.stop();
  }
});
