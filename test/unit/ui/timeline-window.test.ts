import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimelineWindow } from '../../../src/ui/timeline-window.js';
import { layoutTimeline } from '../../../src/ui/timeline-layout.js';
import type { LayoutFn } from '../../../src/ui/timeline-window.js';
import { FakeEngine, makeMessage } from './fake-engine.js';

const layout: LayoutFn = (msgs, atOldest) => layoutTimeline(msgs, { width: 80, expandEvents: false, atOldest });

test('the window never holds more than three pages however far the user scrolls', () => {
  const e = new FakeEngine();
  e.fill('c', 5000);
  const w = new TimelineWindow(e, 'c', 40);
  w.loadNewest();
  for (let i = 0; i < 200; i++) {
    w.scroll(18, layout, 20);
    assert.ok(w.messages.length <= 120, `window holds ${w.messages.length}`);
  }
  const top = w.viewport(layout, 20);
  assert.equal(top.lines.length, 20);
  for (let i = 0; i < 400; i++) w.scroll(-18, layout, 20);
  assert.ok(w.messages.length <= 120);
  assert.ok(w.following);
  assert.equal(w.viewport(layout, 20).lastVisibleSeq, 5000);
  assert.ok(e.largestRequest() <= 40);
});

test('scrolling to the very top reports hitTop once at the oldest message', () => {
  const e = new FakeEngine();
  e.fill('c', 30);
  const w = new TimelineWindow(e, 'c', 40);
  w.loadNewest();
  assert.equal(w.scroll(5, layout, 20).hitTop, false);
  assert.equal(w.scroll(50, layout, 20).hitTop, true);
  const v = w.viewport(layout, 20);
  assert.match(v.lines[1]!.map((s) => s.text).join(''), /message 1$/);
});

test('refresh while scrolled up re-reads edits in the range and counts arrivals', () => {
  const e = new FakeEngine();
  e.fill('c', 100);
  const w = new TimelineWindow(e, 'c', 40);
  w.loadNewest();
  w.scroll(30, layout, 20);
  const seqs = w.viewport(layout, 20).lastVisibleSeq;
  const list = e.timelines.get('c')!;
  list[list.length - 31] = { ...list[list.length - 31]!, body: 'edited body', editedAt: 1 };
  list.push(makeMessage('c', 101), makeMessage('c', 102), makeMessage('c', 103));
  w.refresh();
  const v = w.viewport(layout, 20);
  assert.equal(v.lastVisibleSeq, seqs);
  assert.equal(v.newCount, 3);
  assert.ok(v.lines.some((l) => l.map((s) => s.text).join('').includes('edited body (edited)')));
});

test('selection steps past the window edge page older messages in, skip event lines, and reveal keeps them in view', () => {
  const e = new FakeEngine();
  e.fill('c', 200, (seq) => (seq % 10 === 0 ? { kind: 'event', body: `joined ${seq}`, ext: { ircEvent: 'join' } } : {}));
  const w = new TimelineWindow(e, 'c', 20);
  w.loadNewest();
  let m = w.newestSelectable()!;
  assert.equal(m.seq, 199, 'the newest event line is skipped');
  const sel = (id: string): LayoutFn => (msgs, atOldest) => layoutTimeline(msgs, { width: 80, expandEvents: true, atOldest, selectedId: id });
  const seen: number[] = [];
  for (let i = 0; i < 60; i++) {
    m = w.step(m.id, -1)!;
    seen.push(m.seq);
    w.reveal(m.id, sel(m.id), 10);
    const v = w.viewport(sel(m.id), 10);
    assert.ok(v.lines.some((l) => l.some((s) => s.inverse) && l.map((s) => s.text).join('').includes(`message ${m.seq}`)), `message ${m.seq} is in view, highlighted`);
  }
  assert.ok(seen.every((s) => s % 10 !== 0), 'event lines are never selected');
  assert.equal(seen.at(-1), 199 - 60 - 6, 'sixty steps over six skipped event lines');
  assert.ok(e.messageCalls.some((c) => c.options.before !== undefined), 'older pages were fetched');
  // Walking back down reaches the newest again and stops there.
  for (let i = 0; i < 80 && m; i++) m = w.step(m.id, 1) ?? m;
  assert.equal(m.seq, 199);
  assert.equal(w.step(m.id, 1), undefined);
});
