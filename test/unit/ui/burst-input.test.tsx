// Keys that reach natter in one read (typed ahead while it was busy, or sent together by a terminal multiplexer) act
// exactly as if they had come one by one: each press sees the state the press before it left.
import './force-color.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { FakeEngine, makeConversation, makeMessage } from './fake-engine.js';
import type { Message } from '../../../src/core/model.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

function engineWith(messages: (conv: string) => Message[]): FakeEngine {
  const e = new FakeEngine();
  e.accountList = [{ id: 'libera', protocol: 'irc', state: 'online', self: 'me' }];
  e.conversationList = [makeConversation('c', 'libera', { title: '#natter', lastReadSeq: 100 })];
  e.timelines.set('c', messages('c'));
  return e;
}

test('Up, Up, r, the text and Enter in one read reply to the older message', async () => {
  const engine = engineWith((c) => [makeMessage(c, 1, { body: 'what time is the meeting?' }), makeMessage(c, 2)]);
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('message 2'));
  await r.press(`${keys.up}${keys.up}r`);
  const frame = await r.waitFor((f) => plain(f).includes('↳ replying to'), 'reply context');
  assert.match(plain(frame), /↳ replying to alice: what time is the meeting\?/);
  assert.doesNotMatch(plain(frame), /› r/, 'r was a key, not text');
  await r.press(`at three${keys.enter}`);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'reply'), 'the reply sent');
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'reply'), { type: 'reply', conversationId: 'c', body: 'at three', messageId: 'c:1' });
});

test('in a selection, "/react x" typed in one read is a command, not r-for-reply', async () => {
  const engine = engineWith((c) => [makeMessage(c, 1), makeMessage(c, 2)]);
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('message 2'));
  await r.press(keys.up);
  await r.press('/react 👍');
  const frame = await r.waitFor((f) => plain(f).includes('› /react 👍'), 'the command typed whole');
  assert.doesNotMatch(plain(frame), /replying to/);
});
