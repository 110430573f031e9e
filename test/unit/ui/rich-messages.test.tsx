/* eslint-disable no-control-regex -- frames carry the ANSI sequences Ink writes */
// Rich messages in the TUI: timeline selection and what it drives (reply, edit, delete, react), quoted replies,
// reactions, attachments, upload progress, edits and deletions, invitations, focus/idle activity.
import './force-color.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { FakeEngine, makeConversation, makeMessage } from './fake-engine.js';
import { synthetic } from '../../../src/ui/key-press.js';
import { formatSize, messageLines } from '../../../src/ui/message-lines.js';
import { splitInput } from '../../../src/ui/terminal-input.js';
import type { Message } from '../../../src/core/model.js';
import { waitFor } from '../../harness/wait-for.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

function engineWith(messages: (conv: string) => Message[]): FakeEngine {
  const e = new FakeEngine();
  e.accountList = [{ id: 'libera', protocol: 'irc', state: 'online', self: 'me' }];
  e.conversationList = [makeConversation('c', 'libera', { title: '#natter', lastReadSeq: 100 })];
  e.timelines.set('c', messages('c'));
  return e;
}

/** The frame's line that holds `text`, with its ANSI codes. */
const lineWith = (frame: string, text: string) => frame.split('\n').find((l) => plain(l).includes(text)) ?? '';
const inverted = (line: string) => line.includes('\x1b[7m');

test('Up in an empty composer selects the newest message; Up/Down move; Esc leaves', async () => {
  const engine = engineWith((c) => [makeMessage(c, 1), makeMessage(c, 2), makeMessage(c, 3)]);
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('message 3'));
  assert.ok(!inverted(lineWith(r.lastFrame(), 'message 3')));
  await r.press(keys.up);
  await r.waitFor((f) => inverted(lineWith(f, 'message 3')), 'newest selected');
  await r.press(keys.up);
  let frame = await r.waitFor((f) => inverted(lineWith(f, 'message 2')), 'older selected');
  assert.ok(!inverted(lineWith(frame, 'message 3')));
  await r.press(keys.down);
  await r.waitFor((f) => inverted(lineWith(f, 'message 3')) && !inverted(lineWith(f, 'message 2')), 'back down');
  await r.press(keys.escape);
  await r.waitFor((f) => !inverted(lineWith(f, 'message 3')), 'Esc leaves');
  // With text in the composer Up is input history again, not selection.
  await r.type('x');
  await r.press(keys.up);
  frame = r.lastFrame();
  assert.ok(!inverted(lineWith(frame, 'message 3')));
});

test('r on a selected message starts a reply: the composer says so, Enter sends a reply action for that message', async () => {
  const engine = engineWith((c) => [makeMessage(c, 1, { body: 'what time is the meeting tomorrow afternoon?' }), makeMessage(c, 2)]);
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('message 2'));
  await r.press(keys.up);
  await r.press(keys.up);
  await r.waitFor((f) => inverted(lineWith(f, 'what time')), 'first selected');
  await r.press('r');
  await r.waitFor((f) => plain(f).includes('↳ replying to alice: what time is the meeting'), 'reply context');
  await r.type('at three');
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'reply'));
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'reply'), { type: 'reply', conversationId: 'c', body: 'at three', messageId: 'c:1' });
  await r.waitFor((f) => !plain(f).includes('replying to'), 'context gone after sending');

  // Esc cancels a reply before it is sent.
  await r.press(keys.up);
  await r.press('r');
  await r.waitFor((f) => plain(f).includes('replying to alice'));
  await r.press(keys.escape);
  await r.waitFor((f) => !plain(f).includes('replying to'), 'Esc cancels');
});

test('e loads the own message for editing (Enter sends the edit); on someone else\'s message it says why not', async () => {
  const engine = engineWith((c) => [
    makeMessage(c, 1, { direction: 'out', senderId: 'me', senderName: 'me', body: 'teh typo' }),
    makeMessage(c, 2, { body: 'from alice' }),
  ]);
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('from alice'));
  await r.press(keys.up);
  await r.press('e');
  await r.waitFor((f) => plain(f).includes('you can only edit your own messages'), 'refused');
  await r.press(keys.up);
  await r.waitFor((f) => inverted(lineWith(f, 'teh typo')));
  await r.press('e');
  await r.waitFor((f) => plain(f).includes('› teh typo') && plain(f).includes('editing your message'), 'loaded into the composer');
  for (let i = 0; i < 'teh typo'.length; i++) await r.press(keys.backspace);
  await r.type('the typo');
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'edit'));
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'edit'), { type: 'edit', conversationId: 'c', body: 'the typo', messageId: 'c:1' });
});

test('d asks before deleting the own message; y deletes, n keeps; + opens the picker and a digit reacts', async () => {
  const engine = engineWith((c) => [
    makeMessage(c, 1, { body: 'from alice' }),
    makeMessage(c, 2, { direction: 'out', senderId: 'me', senderName: 'me', body: 'oops wrong channel' }),
  ]);
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('oops'));
  await r.press(keys.up);
  await r.press('d');
  await r.waitFor((f) => plain(f).includes('delete your message "oops wrong channel" for everyone? y/n'));
  await r.press('n');
  await r.waitFor((f) => !plain(f).includes('for everyone?'), 'n keeps it');
  assert.equal(engine.dispatched.filter((a) => a.type === 'retract').length, 0);
  await r.press('d');
  await r.waitFor((f) => plain(f).includes('for everyone?'));
  await r.press('y');
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'retract'));
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'retract'), { type: 'retract', conversationId: 'c', messageId: 'c:2' });

  await r.press(keys.up);
  await r.press(keys.up);
  await r.waitFor((f) => inverted(lineWith(f, 'from alice')));
  await r.press('+');
  await r.waitFor((f) => plain(f).includes('react: 1 👍  2 ❤️'), 'picker');
  await r.press('2');
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'react'));
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'react'), { type: 'react', conversationId: 'c', key: '❤️', messageId: 'c:1' });
});

test('a selected message is the target of a typed /command', async () => {
  const engine = engineWith((c) => [makeMessage(c, 1, { body: 'target' }), makeMessage(c, 2)]);
  r = renderApp(engine);
  await r.waitFor((f) => f.includes('message 2'));
  await r.press(keys.up);
  await r.press(keys.up);
  await r.waitFor((f) => inverted(lineWith(f, 'target')));
  await r.type('/react :tada:');
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'react'));
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'react'), { type: 'react', conversationId: 'c', key: '🎉', messageId: 'c:1' });
});

test('replies show a quoted line (or "a message not loaded"); reactions, attachments, progress, edits and deletions show', async () => {
  const engine = engineWith((c) => [
    makeMessage(c, 1, { body: 'is anyone around to review the patch?', remoteId: 'r1' }),
    makeMessage(c, 2, { senderName: 'bob', senderId: 'bob', body: 'sure', replyTo: 'r1', replyPreview: { senderName: 'alice', body: 'is anyone around to review the patch?' } }),
    makeMessage(c, 3, { senderName: 'bob', senderId: 'bob', body: 'also this', replyTo: 'gone' }),
    makeMessage(c, 4, { body: 'root', reactions: [{ key: '👍', senders: ['bob', 'me'] }, { key: '❤️', senders: ['carol'] }] }),
    makeMessage(c, 5, { body: 'a file', attachments: [{ url: 'https://up.example/a/cat.png', name: 'cat.png', size: 1_234_567, mime: 'image/png' }] }),
    makeMessage(c, 6, {
      direction: 'out', senderId: 'me', senderName: 'me', body: '', delivery: 'pending',
      attachments: [{ url: 'file:///home/me/big.iso', name: 'big.iso', size: 4_000_000_000 }], transfer: { sent: 45, total: 100 },
    }),
    makeMessage(c, 7, { body: 'fixed text', editedAt: 5 }),
    makeMessage(c, 8, { body: '', retracted: true }),
    makeMessage(c, 9, { body: '', retracted: true, retraction: { by: 'op', moderated: true, reason: 'spam' } }),
    makeMessage(c, 10, { body: 'in thread', threadId: 'root-1', replyTo: 'root-1', replyPreview: { senderName: 'carol', body: 'thread root' } }),
  ]);
  r = renderApp(engine, { columns: 100, rows: 40 });
  const frame = await r.waitFor((f) => f.includes('in thread'));
  const text = plain(frame);
  assert.match(text, /↳ alice: is anyone around to review the patch\?\n.*<bob> sure/);
  assert.match(text, /↳ a message not loaded\n.*<bob> also this/);
  assert.match(text, /👍 2 {2}❤️ 1/);
  assert.match(lineWith(frame, '👍 2'), /\x1b\[1m[^\n]*👍 2/, 'the own reaction is bold');
  assert.ok(text.includes('📎 cat.png (1.2 MB) https://up.example/a/cat.png'));
  assert.match(lineWith(frame, 'https://up.example'), /\x1b\[4m/, 'the link is underlined (href span)');
  assert.ok(text.includes('📎 big.iso (4.0 GB)'));
  assert.ok(!text.includes('file:///home/me/big.iso'), 'a local file path is not shown as a link');
  assert.ok(text.includes('uploading 45%'));
  assert.ok(text.includes('fixed text (edited)'));
  assert.ok(text.includes('message deleted'));
  assert.ok(text.includes('removed by a moderator: spam'));
  assert.ok(text.includes('🧵 ↳ carol: thread root'));
});

test('extra rows for quotes and reactions keep the windowed timeline exact: the pane is full and nothing overflows', async () => {
  const engine = engineWith((c) =>
    Array.from({ length: 60 }, (_, i) =>
      makeMessage(c, i + 1, i % 3 === 0
        ? { replyTo: `x${i}`, reactions: [{ key: '👍', senders: ['bob'] }] }
        : {}),
    ),
  );
  const size = { columns: 80, rows: 20 };
  r = renderApp(engine, size);
  const frame = await r.waitFor((f) => f.includes('message 60'));
  const rows = plain(frame).split('\n');
  assert.equal(rows.length, size.rows, 'the frame is exactly the terminal height');
  const timelineRows = size.rows - 3;
  // Count the rows the newest messages take from the bottom up and compare with what is shown.
  const heights = engine.timelines.get('c')!.map((m) => messageLines(m, 80 - 25).length);
  assert.equal(heights[57], 3, 'a reply with reactions takes quote + body + reactions rows');
  const composerRow = rows.findIndex((l) => l.includes('›'));
  const bodyRows = rows.slice(1, composerRow).map((l) => l.slice(25));
  assert.equal(bodyRows.length, timelineRows);
  assert.match(bodyRows[bodyRows.length - 1]!, /message 60/, 'the newest message sits on the last timeline row');
  // Selecting a reply with a quote scrolls so its quote row is visible too.
  await r.press(keys.up);
  // 60 is newest; 46 (three rows: quote, body, reactions) is 14 steps older and well above the first screen.
  for (let i = 0; i < 14; i++) await r.press(keys.up);
  const sel = await r.waitFor((f) => inverted(lineWith(f, 'message 46')), 'selected 46');
  const selRows = plain(sel).split('\n');
  assert.equal(selRows.length, size.rows);
  const at = selRows.findIndex((l) => l.includes('message 46'));
  assert.ok(selRows[at - 1]!.includes('a message not loaded'), 'its quote row is in view');
});

test('invitations are marked in the sidebar and explained in the header', async () => {
  const engine = engineWith((c) => [makeMessage(c, 1)]);
  engine.conversationList = [makeConversation('c', 'libera', { title: '#secret', invitedBy: 'bob', joined: false })];
  r = renderApp(engine);
  const frame = plain(await r.waitFor((f) => f.includes('#secret')));
  assert.ok(frame.includes('✉ #secret'), 'sidebar marker');
  assert.ok(frame.includes('invited by bob: /join accepts, /decline refuses'), 'header');
  await r.type('/decline');
  await r.press(keys.enter);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'decline'));
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'decline'), { type: 'decline', conversationId: 'c' });
});

test('typing names come from the engine as given; focus-out and focus-in report activity', async () => {
  const engine = engineWith((c) => [makeMessage(c, 1)]);
  engine.typingNames.set('c', ['Bob Builder']);
  r = renderApp(engine);
  await r.waitFor((f) => plain(f).includes('Bob Builder is typing…'));
  r.side.emit(synthetic('focusout'));
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'activity'));
  r.side.emit(synthetic('focusin'));
  await r.waitFor(() => engine.dispatched.filter((a) => a.type === 'activity').length === 2);
  assert.deepEqual(engine.dispatched.filter((a) => a.type === 'activity'), [
    { type: 'activity', active: false },
    { type: 'activity', active: true },
  ]);
});

test('focus reports (DECSET 1004) leave the byte stream as focus presses; sizes read the way people read them', () => {
  const s = splitInput('', 'a\x1b[Ob\x1b[Ic');
  assert.equal(s.pass, 'abc');
  assert.deepEqual(s.presses.map((p) => p.name), ['focusout', 'focusin']);
  assert.equal(formatSize(512), '512 B');
  assert.equal(formatSize(1234), '1.2 kB');
  assert.equal(formatSize(1_234_567), '1.2 MB');
  assert.equal(formatSize(45_000_000), '45 MB');
});

test('without input for the idle time the user goes inactive; the next input makes them active again', async () => {
  const { render } = await import('ink-testing-library');
  const { useActivity } = await import('../../../src/ui/useActivity.js');
  const { Text } = await import('ink');
  const { useEffect } = await import('react');
  const engine = engineWith(() => []);
  let poke: (() => void) | undefined;
  function Probe() {
    const a = useActivity(engine, 40);
    useEffect(() => {
      poke = a.input;
    }, [a]);
    return <Text>probe</Text>;
  }
  const app = render(<Probe />);
  try {
    const activity = () => engine.dispatched.filter((a) => a.type === 'activity');
    await waitFor(() => activity().length > 0, 'the idle timeout', 3000, 5);
    assert.deepEqual(activity(), [{ type: 'activity', active: false }], 'idle after the timeout');
    poke!();
    assert.deepEqual(activity(), [{ type: 'activity', active: false }, { type: 'activity', active: true }]);
  } finally {
    app.unmount();
  }
});
