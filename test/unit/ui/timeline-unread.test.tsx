import './force-color.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { FakeEngine, makeConversation } from './fake-engine.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

// 30 rows: status bar 1, header 1, composer 1 → 27 timeline rows.
const size = { columns: 100, rows: 30 };

function engineWith(count: number, lastReadSeq: number): FakeEngine {
  const e = new FakeEngine();
  e.accountList = [{ id: 'libera', protocol: 'irc', state: 'online' }];
  e.conversationList = [makeConversation('big', 'libera', { title: '#big', lastReadSeq, unread: count - lastReadSeq })];
  e.fill('big', count);
  return e;
}

test('opening a conversation with 200 unread shows the "── new ──" line at the top; End goes to the bottom and marks read', async () => {
  const engine = engineWith(300, 100);
  r = renderApp(engine, size);
  const frame = await r.waitFor((f) => /─ new ─/.test(plain(f)), 'the unread line');
  const lines = plain(frame).split('\n');
  const marker = lines.findIndex((l) => /─ new ─/.test(l));
  assert.match(lines[marker + 1]!, /message 101\b/);
  assert.ok(!lines.slice(0, marker).some((l) => /message \d+/.test(l)), 'the marker is the top timeline row');
  assert.ok(!frame.includes('message 300'), 'not at the bottom');
  assert.ok(!engine.dispatched.some((a) => a.type === 'mark-read'), 'nothing marked read yet');
  await r.press(keys.end);
  await r.waitFor((f) => f.includes('message 300'), 'End');
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'mark-read'), 'mark-read after End');
  assert.deepEqual(engine.dispatched.filter((a) => a.type === 'mark-read'), [{ type: 'mark-read', conversationId: 'big', seq: 300 }]);
});

test('a few unread messages open at the bottom in follow mode, as before', async () => {
  const engine = engineWith(300, 295);
  r = renderApp(engine, size);
  const frame = await r.waitFor((f) => f.includes('message 300'));
  assert.ok(/─ new ─/.test(plain(frame)));
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'mark-read'), 'mark-read');
});
