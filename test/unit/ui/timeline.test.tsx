/* eslint-disable no-control-regex -- frames carry the ANSI sequences Ink writes */
import './force-color.js';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, plain, renderApp, type Rendered } from './harness.js';
import { FakeEngine, makeConversation, makeMessage, sampleEngine } from './fake-engine.js';
import { synthetic } from '../../../src/ui/key-press.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

/** One account, one channel holding `count` one-line messages "message 1" … "message N". */
function bigEngine(count: number): FakeEngine {
  const e = new FakeEngine();
  e.accountList = [{ id: 'libera', protocol: 'irc', state: 'online' }];
  e.conversationList = [makeConversation('big', 'libera', { title: '#big', lastReadSeq: count })];
  e.fill('big', count);
  return e;
}

const messageRows = (frame: string) => plain(frame).split('\n').filter((l) => /<alice> message \d+/.test(l));
const seqs = (frame: string) => messageRows(frame).map((l) => Number(/message (\d+)/.exec(l)![1]));

// 30 rows: status bar 1, header 1, composer 1 → 27 timeline rows.
const size = { columns: 100, rows: 30 };
const timelineRows = 27;

test('a timeline of 5,000 messages renders only the rows that fit, fetched in small pages', async () => {
  const engine = bigEngine(5000);
  r = renderApp(engine, size);
  const frame = await r.waitFor((f) => f.includes('message 5000'));
  const rows = messageRows(frame);
  assert.equal(rows.length, timelineRows);
  assert.deepEqual(seqs(frame), Array.from({ length: timelineRows }, (_, i) => 5000 - timelineRows + 1 + i));
  assert.ok(engine.messageCalls.length > 0);
  assert.ok(engine.largestRequest() <= 200, `largest page ${engine.largestRequest()}`);
  const fetched = engine.messageCalls.reduce((n, c) => n + c.returned, 0);
  assert.ok(fetched < 500, `fetched ${fetched} messages in total`);
});

test('PgUp pages older messages in with before-cursors; PgDn and End come back', async () => {
  const engine = bigEngine(5000);
  r = renderApp(engine, size);
  await r.waitFor((f) => f.includes('message 5000'));
  await r.press(keys.pageUp);
  let frame = await r.waitFor((f) => !f.includes('message 5000'), 'scroll up');
  // A page is the pane height minus two rows of overlap.
  assert.equal(Math.max(...seqs(frame)), 5000 - (timelineRows - 2));
  engine.messageCalls.length = 0;
  for (let i = 0; i < 12; i++) await r.press(keys.pageUp);
  frame = await r.waitFor((f) => Math.max(...seqs(f)) === 5000 - 13 * (timelineRows - 2), 'twelve more pages');
  assert.equal(messageRows(frame).length, timelineRows);
  const older = engine.messageCalls.filter((c) => c.options.before !== undefined);
  assert.ok(older.length > 0, 'older pages were requested with a before cursor');
  assert.ok(engine.largestRequest() <= 200);
  await r.press(keys.pageDown);
  await r.waitFor((f) => Math.max(...seqs(f)) === 5000 - 12 * (timelineRows - 2), 'page down');
  await r.press(keys.end);
  frame = await r.waitFor((f) => f.includes('message 5000'), 'End');
  assert.equal(Math.max(...seqs(frame)), 5000);
});

test('Home shows the oldest stored message and asks the server for older history', async () => {
  const engine = bigEngine(5000);
  r = renderApp(engine, size);
  await r.waitFor((f) => f.includes('message 5000'));
  await r.press(keys.home);
  const frame = await r.waitFor((f) => seqs(f)[0] === 1, 'oldest at the top');
  assert.ok(plain(frame).includes('Friday 2026-11-20') || /── \w+ \d{4}-\d\d-\d\d ──/.test(plain(frame)));
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'load-older'), 'load-older');
  assert.deepEqual(engine.dispatched.find((a) => a.type === 'load-older'), { type: 'load-older', conversationId: 'big' });
});

test('while scrolled up new messages do not move the view and a hint counts them', async () => {
  const engine = bigEngine(300);
  r = renderApp(engine, size);
  await r.waitFor((f) => f.includes('message 300'));
  await r.press(keys.pageUp);
  const before = seqs(await r.waitFor((f) => !f.includes('message 300')));
  engine.addMessages('big', [makeMessage('big', 301), makeMessage('big', 302)]);
  const frame = await r.waitFor((f) => f.includes('2 new messages'), 'hint');
  // The hint covers the bottom row; every other row stays where it was.
  assert.deepEqual(seqs(frame), before.slice(0, before.length - 1));
  assert.ok(!frame.includes('message 302'));
  await r.press(keys.end);
  const end = await r.waitFor((f) => f.includes('message 302'));
  assert.ok(!end.includes('new messages'));
});

test('in follow mode a new message scrolls in at the bottom', async () => {
  const engine = bigEngine(100);
  r = renderApp(engine, size);
  await r.waitFor((f) => f.includes('message 100'));
  engine.addMessages('big', [makeMessage('big', 101, { body: 'fresh one' })]);
  const frame = await r.waitFor((f) => f.includes('fresh one'));
  const lines = plain(frame).split('\n');
  const idx = lines.findIndex((l) => l.includes('fresh one'));
  assert.ok(lines[idx + 1]!.includes('›'), 'the new message is the last timeline row, right above the composer');
});

test('mark-read is dispatched for the newest visible message when at the bottom, not while scrolled up', async () => {
  const engine = bigEngine(50);
  engine.conversationList[0] = { ...engine.conversationList[0]!, lastReadSeq: 40, unread: 10 };
  r = renderApp(engine, size);
  await r.waitFor(() => engine.dispatched.some((a) => a.type === 'mark-read'), 'mark-read');
  assert.deepEqual(engine.dispatched.filter((a) => a.type === 'mark-read'), [
    { type: 'mark-read', conversationId: 'big', seq: 50 },
  ]);
  await r.press(keys.pageUp);
  await r.waitFor((f) => !f.includes('message 50'));
  engine.addMessages('big', [makeMessage('big', 51)]);
  await r.waitFor((f) => f.includes('1 new message'));
  await new Promise((res) => setTimeout(res, 400));
  assert.equal(engine.dispatched.filter((a) => a.type === 'mark-read').length, 1, 'no mark-read while scrolled up');
});

test('the "── new ──" line sits before the first unread message', async () => {
  const engine = sampleEngine(); // #natter: 5 messages, lastReadSeq 2, unread 3
  r = renderApp(engine, size);
  const lines = plain(await r.waitFor((f) => f.includes('message 5'))).split('\n');
  const marker = lines.findIndex((l) => /─ new ─/.test(l));
  assert.ok(marker > 0);
  assert.match(lines[marker - 1]!, /message 2/);
  assert.match(lines[marker + 1]!, /message 3/);
});

test('mouse wheel scrolls three lines', async () => {
  const engine = bigEngine(500);
  r = renderApp(engine, size);
  await r.waitFor((f) => f.includes('message 500'));
  r.side.emit(synthetic('wheelup'));
  let frame = await r.waitFor((f) => !f.includes('message 500'));
  assert.equal(Math.max(...seqs(frame)), 497);
  r.side.emit(synthetic('wheeldown'));
  frame = await r.waitFor((f) => f.includes('message 500'));
  assert.equal(Math.max(...seqs(frame)), 500);
});

test('message styles from spans reach the terminal as ANSI; kinds and states are marked', async () => {
  const e = new FakeEngine();
  e.accountList = [{ id: 'libera', protocol: 'irc', state: 'online' }];
  e.conversationList = [makeConversation('c', 'libera', { title: '#c' })];
  e.timelines.set('c', [
    makeMessage('c', 1, { body: 'loud and red', spans: [{ text: 'loud', bold: true }, { text: ' and ' }, { text: 'red', fg: '4' }] }),
    makeMessage('c', 2, { kind: 'action', senderName: 'bob', body: 'waves' }),
    makeMessage('c', 3, { kind: 'notice', senderName: 'srv', body: 'maintenance' }),
    makeMessage('c', 4, { direction: 'out', senderName: 'me', delivery: 'pending', body: 'on its way' }),
    makeMessage('c', 5, { direction: 'out', senderName: 'me', delivery: 'failed', failure: 'not connected', body: 'lost' }),
    makeMessage('c', 6, { body: 'fixed', editedAt: baseEdit() }),
    makeMessage('c', 7, { retracted: true, body: 'secret' }),
    makeMessage('c', 8, { body: '[encrypted]', encryption: { scheme: 'megolm', error: 'no session for this device' } }),
    makeMessage('c', 9, { body: 'private', encryption: { scheme: 'omemo:2', trust: 'verified' } }),
    makeMessage('c', 10, { body: 'hey me', mentionsMe: true }),
  ]);
  r = renderApp(e, size);
  const frame = await r.waitFor((f) => f.includes('hey me'));
  assert.match(frame, /\x1b\[1mloud\x1b\[22m/);
  assert.match(frame, /\x1b\[9\dmred/);
  const text = plain(frame);
  assert.match(text, /\* bob waves/);
  assert.match(text, /-srv- maintenance/);
  assert.match(text, /on its way ⏳ pending/);
  assert.match(text, /✗ not sent: not connected/);
  assert.match(frame, /\x1b\[31m[^\n]*lost/);
  assert.match(text, /fixed \(edited\)/);
  assert.match(text, /message deleted/);
  assert.doesNotMatch(text, /secret/);
  assert.match(text, /✗ could not decrypt: no session for this device/);
  assert.match(text, /🔒 private/);
  // A mention inverts the timestamp.
  assert.match(frame, /\x1b\[7m[^\n]*\d\d:\d\d[^\n]*hey me/);
});

function baseEdit(): number {
  return Date.UTC(2026, 10, 20, 13, 0, 0);
}

test('consecutive joins and parts collapse into one summary line; Alt-E expands them', async () => {
  const e = new FakeEngine();
  e.accountList = [{ id: 'libera', protocol: 'irc', state: 'online' }];
  e.conversationList = [makeConversation('c', 'libera', { title: '#c' })];
  const ev = (seq: number, who: string, type: string) =>
    makeMessage('c', seq, { kind: 'event', senderName: who, senderId: who, body: `${who} ${type}`, ext: { ircEvent: type } });
  e.timelines.set('c', [
    makeMessage('c', 1, { body: 'before' }),
    ev(2, 'dave', 'join'),
    ev(3, 'erin', 'join'),
    ev(4, 'frank', 'join'),
    ev(5, 'gina', 'quit'),
    makeMessage('c', 6, { kind: 'event', senderName: 'op', body: 'hank was kicked by op', ext: { ircEvent: 'kick', target: 'hank' } }),
    makeMessage('c', 7, { body: 'after' }),
  ]);
  r = renderApp(e, size);
  let text = plain(await r.waitFor((f) => f.includes('after')));
  assert.match(text, /3 joined, 2 left: dave, erin, frank, gina, hank/);
  assert.doesNotMatch(text, /dave join/);
  await r.press(keys.alt('e'));
  text = plain(await r.waitFor((f) => f.includes('dave join')));
  assert.match(text, /gina quit/);
  assert.doesNotMatch(text, /3 joined/);
});

test('resizing re-lays out: narrower wraps more, every row fits the new width', async () => {
  const engine = bigEngine(200);
  engine.timelines.get('big')!.push(
    makeMessage('big', 201, { body: 'word '.repeat(30).trim() }),
  );
  r = renderApp(engine, size);
  await r.waitFor((f) => f.includes('message 200'));
  r.resize(50, 20);
  const frame = await r.waitFor((f) => plain(f).split('\n').length <= 20 && !f.includes('●libera ') , 'resized frame');
  const lines = plain(frame).split('\n');
  assert.ok(lines.length <= 20);
  // Below 60 columns the sidebar hides; the long message now wraps over more rows.
  assert.ok(lines.filter((l) => /^\s+word/.test(l) || /<alice> word/.test(l)).length >= 4);
  const { textWidth } = await import('../../../src/ui/wrap.js');
  for (const l of lines) assert.ok(textWidth(l) <= 50, `row wider than 50: ${l}`);
});

test('display options: no timestamps, a 12-hour time format, joins shown one by one', async () => {
  const e = new FakeEngine();
  e.accountList = [{ id: 'libera', protocol: 'irc', state: 'online' }];
  e.conversationList = [makeConversation('c', 'libera', { title: '#c' })];
  const ev = (seq: number, who: string) =>
    makeMessage('c', seq, { kind: 'event', senderName: who, body: `${who} joined`, ext: { ircEvent: 'join' } });
  e.timelines.set('c', [makeMessage('c', 1, { body: 'plain' }), ev(2, 'dave'), ev(3, 'erin')]);
  r = renderApp(e, size, { display: { timestamps: false, collapseJoins: false } });
  let text = plain(await r.waitFor((f) => f.includes('erin joined')));
  assert.match(text, /│<alice> plain/);
  assert.match(text, /│-- dave joined/);
  r.unmount();
  const at = new Date(e.timelines.get('c')![0]!.sentAt);
  const h12 = at.getHours() % 12 === 0 ? 12 : at.getHours() % 12;
  r = renderApp(e, size, { display: { timeFormat: 'h:mm a' } });
  text = plain(await r.waitFor((f) => f.includes('plain')));
  assert.ok(text.includes(`${h12}:${String(at.getMinutes()).padStart(2, '0')} ${at.getHours() < 12 ? 'am' : 'pm'} <alice> plain`), text);
  assert.match(text, /2 joined: dave, erin/);
});

test('blank lines inside a message keep their row', async () => {
  const e = new FakeEngine();
  e.accountList = [{ id: 'libera', protocol: 'irc', state: 'online' }];
  e.conversationList = [makeConversation('c', 'libera', { title: '#c' })];
  e.timelines.set('c', [makeMessage('c', 1, { body: 'first para\n\nsecond para' }), makeMessage('c', 2, { body: 'last' })]);
  // 35 columns for the timeline: too narrow for a hanging indent, so the blank line has no spans at all.
  r = renderApp(e, { columns: 60, rows: 20 });
  const lines = plain(await r.waitFor((f) => f.includes('last'))).split('\n');
  const i = lines.findIndex((l) => l.includes('first para'));
  assert.match(lines[i + 1]!, /│\s*$/);
  assert.match(lines[i + 2]!, /second para/);
  assert.match(lines[i + 3]!, /<alice> last/);
  assert.match(lines[i + 4]!, /›/);
});
