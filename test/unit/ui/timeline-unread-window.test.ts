import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimelineWindow, type LayoutFn } from '../../../src/ui/timeline-window.js';
import { layoutTimeline } from '../../../src/ui/timeline-layout.js';
import { FakeEngine } from './fake-engine.js';

const at = (lastRead: number): LayoutFn => (msgs, atOldest) => layoutTimeline(msgs, { width: 80, expandEvents: false, atOldest, unreadAfterSeq: lastRead });
const text = (l: { text: string }[]) => l.map((s) => s.text).join('');

test('opening with more unread than fits puts the "── new ──" line at the top, not following', () => {
  const e = new FakeEngine();
  e.fill('c', 100);
  const w = new TimelineWindow(e, 'c', 40);
  w.openAtUnread(40, at(40), 20);
  const v = w.viewport(at(40), 20);
  assert.equal(v.lines.length, 20);
  assert.match(text(v.lines[0]!), /─ new ─/);
  assert.match(text(v.lines[1]!), /message 41$/);
  assert.equal(v.lastVisibleSeq, 59);
  assert.equal(v.following, false, 'no follow mode (mark-read waits) until the user reaches the bottom');
  // Paging down reaches the newest message and follow mode comes back, as End does.
  for (let i = 0; i < 10 && !w.following; i++) w.scroll(-18, at(40), 20);
  assert.equal(w.following, true);
  assert.equal(w.viewport(at(40), 20).lastVisibleSeq, 100);
});

test('opening with unread that fits shows the bottom in follow mode, the marker in view', () => {
  const e = new FakeEngine();
  e.fill('c', 100);
  const w = new TimelineWindow(e, 'c', 40);
  w.openAtUnread(90, at(90), 20);
  const v = w.viewport(at(90), 20);
  assert.equal(v.following, true);
  assert.equal(v.lastVisibleSeq, 100);
  assert.ok(v.lines.some((l) => /─ new ─/.test(text(l))));
});

test('a long unread stretch is found with page-sized requests, and End still goes to the newest', () => {
  const e = new FakeEngine();
  e.fill('c', 3000);
  const w = new TimelineWindow(e, 'c', 40);
  w.openAtUnread(500, at(500), 20);
  const v = w.viewport(at(500), 20);
  assert.match(text(v.lines[0]!), /─ new ─/);
  assert.match(text(v.lines[1]!), /message 501$/);
  assert.ok(e.largestRequest() <= 40, `largest request ${e.largestRequest()}`);
  assert.ok(w.messages.length <= w.maxMessages);
  w.loadNewest();
  const end = w.viewport(at(500), 20);
  assert.equal(end.following, true);
  assert.equal(end.lastVisibleSeq, 3000);
});

test('with nothing read yet the view starts at the oldest message', () => {
  const e = new FakeEngine();
  e.fill('c', 60);
  const w = new TimelineWindow(e, 'c', 40);
  w.openAtUnread(0, at(0), 20);
  const v = w.viewport(at(0), 20);
  assert.equal(v.following, false);
  assert.ok(text(v.lines[0]!).includes('──'), 'the date line heads the first message');
  assert.match(text(v.lines[1]!), /message 1$/);
});
