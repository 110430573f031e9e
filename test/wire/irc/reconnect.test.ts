import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAdapter } from './setup.js';

test('after an unexpected disconnect: offline with backoff detail, reconnect, rejoin joined channels with keys', async () => {
  const w = await connectAdapter({ channels: ['#natter'] });
  try {
    await w.conn.waitFor(/^JOIN #natter$/);
    w.conn.send(':alice!u@h JOIN #natter');
    await w.adapter.join('#keyed', { password: 'sesame' });
    await w.conn.waitFor(/^JOIN #keyed sesame$/);
    w.conn.send(':alice!u@h JOIN #keyed');
    await w.adapter.join('#gone');
    w.conn.send(':alice!u@h JOIN #gone');
    await w.adapter.leave('#gone', 'bye');
    await w.conn.waitFor(/^PART #gone :bye$/);
    w.conn.send(':alice!u@h PART #gone :bye');
    await w.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === '#gone' && e.conversation.joined === false, 'parted');
    // A join the adapter did not ask for (server-forced, or /raw JOIN) is rejoined too.
    w.conn.send(':alice!u@h JOIN #forced');
    await w.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === '#forced' && e.conversation.joined === true, 'forced join');

    const from = w.ctx.events.length;
    w.conn.send('ERROR :Closing link: (alice@h) [Killed (oper (test))]');
    w.conn.close();
    const offline = await w.ctx.waitFor((e) => e.type === 'connection' && e.state === 'offline', 'offline', 5000, from);
    assert.match((offline as { detail?: string }).detail ?? '', /^server closed the connection: Closing link.*, retrying in 1 s$/);
    assert.ok(w.ctx.events.slice(from).some((e) => e.type === 'conversation' && e.conversation.remoteId === '#natter' && e.conversation.joined === false));
    const second = await w.server.connection(1);
    await w.ctx.waitFor((e) => e.type === 'connection' && e.state === 'connecting', 'connecting', 5000, from);
    await w.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'online again', 5000, from);
    await second.waitFor(/^JOIN #keyed sesame$/);
    await second.waitFor(/^JOIN #natter,#forced$/);
    await second.sync();
    assert.ok(!second.frames.some((f) => f.includes('#gone')), 'a parted channel is not rejoined');
  } finally {
    await w.stop();
  }
});

test('backoff grows across quick reconnects and resets after a stable connection', async () => {
  const w = await connectAdapter();
  try {
    let now = 5_000_000;
    w.ctx.now = () => now;
    const detailOf = async (from: number) =>
      ((await w.ctx.waitFor((e) => e.type === 'connection' && e.state === 'offline', 'offline', 5000, from)) as { detail?: string }).detail ?? '';
    const onlineAfter = (from: number) => w.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'online', 5000, from);

    // The first connection came online before the fake clock was installed; treat it as short-lived too.
    let from = w.ctx.events.length;
    w.conn.close();
    assert.match(await detailOf(from), /retrying in 1 s$/);
    await onlineAfter(from);
    // Dropped again after 5 s online: not stable, so the next delay doubles.
    now += 5_000;
    from = w.ctx.events.length;
    (await w.server.connection(1)).close();
    assert.match(await detailOf(from), /retrying in 2 s$/);
    await onlineAfter(from);
    // Dropped after 40 s online: stable, so backoff starts over at 1 s.
    now += 40_000;
    from = w.ctx.events.length;
    (await w.server.connection(2)).close();
    assert.match(await detailOf(from), /retrying in 1 s$/);
  } finally {
    await w.stop();
  }
});
