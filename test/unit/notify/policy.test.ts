import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  LIVE_WINDOW_MS,
  conversationLevel,
  decideNotification,
  matchesKeyword,
  type NotifyCandidate,
  type NotifyReason,
  type NotifyRules,
} from '../../../src/core/notify/policy.js';
import { notificationText } from '../../../src/core/notify/notification-text.js';

const NOW = 1_700_000_000_000;

function candidate(over: {
  message?: Partial<NotifyCandidate['message']>;
  conversation?: Partial<NotifyCandidate['conversation']>;
  accountLevel?: NotifyCandidate['accountLevel'];
  onScreen?: boolean;
}): NotifyCandidate {
  return {
    message: { direction: 'in', kind: 'text', body: 'hello there', mentionsMe: false, sentAt: NOW - 1000, receivedAt: NOW - 500, retracted: false, ...over.message },
    conversation: { kind: 'channel', ext: undefined, ...over.conversation },
    accountLevel: over.accountLevel,
    onScreen: over.onScreen ?? false,
    now: NOW,
  };
}
const rules = (over: Partial<NotifyRules> = {}): NotifyRules => ({ level: 'all', keywords: [], dnd: false, ...over });

describe('notification policy', () => {
  const table: Array<[string, NotifyCandidate, NotifyRules, NotifyReason]> = [
    ['live channel message, level all', candidate({}), rules(), 'notify'],
    ['history page (old server time)', candidate({ message: { sentAt: NOW - LIVE_WINDOW_MS - 10_000 } }), rules(), 'historical'],
    ['stored long ago, seen now', candidate({ message: { sentAt: NOW - 3 * LIVE_WINDOW_MS, receivedAt: NOW - 3 * LIVE_WINDOW_MS } }), rules(), 'historical'],
    ['own message', candidate({ message: { direction: 'out' } }), rules(), 'own'],
    ['join/part event', candidate({ message: { kind: 'event' } }), rules(), 'not-a-message'],
    ['system line', candidate({ message: { kind: 'system' } }), rules(), 'not-a-message'],
    ['server window', candidate({ conversation: { kind: 'server' } }), rules(), 'not-a-message'],
    ['retracted', candidate({ message: { retracted: true } }), rules(), 'retracted'],
    ['do not disturb beats a mention', candidate({ message: { mentionsMe: true } }), rules({ dnd: true }), 'dnd'],
    ['on screen and focused', candidate({ onScreen: true, message: { mentionsMe: true } }), rules(), 'on-screen'],
    ['level none', candidate({ message: { mentionsMe: true } }), rules({ level: 'none' }), 'level-none'],
    ['mentions: plain channel message', candidate({}), rules({ level: 'mentions' }), 'not-a-mention'],
    ['mentions: nick mention', candidate({ message: { mentionsMe: true } }), rules({ level: 'mentions' }), 'notify'],
    ['mentions: keyword', candidate({ message: { body: 'the Deploy failed' } }), rules({ level: 'mentions', keywords: ['deploy'] }), 'notify'],
    ['mentions: keyword inside a word does not count', candidate({ message: { body: 'redeployment' } }), rules({ level: 'mentions', keywords: ['deploy'] }), 'not-a-mention'],
    ['mentions: direct message counts', candidate({ conversation: { kind: 'direct' } }), rules({ level: 'mentions' }), 'notify'],
    ['account level none beats config all', candidate({ accountLevel: 'none' }), rules(), 'level-none'],
    ['account level all beats config mentions', candidate({ accountLevel: 'all' }), rules({ level: 'mentions' }), 'notify'],
    ['conversation level beats account level', candidate({ accountLevel: 'none', conversation: { ext: { notify: 'all' } } }), rules(), 'notify'],
    ['conversation none mutes', candidate({ conversation: { ext: { notify: 'none' } }, message: { mentionsMe: true } }), rules(), 'level-none'],
    ['conversation mentions', candidate({ conversation: { ext: { notify: 'mentions' } } }), rules(), 'not-a-mention'],
  ];
  for (const [name, c, r, reason] of table) {
    it(name, () => {
      const d = decideNotification(c, r);
      assert.equal(d.reason, reason);
      assert.equal(d.notify, reason === 'notify');
    });
  }

  it('keyword matches count as mentions for highlighting even when nothing notifies', () => {
    const d = decideNotification(candidate({ onScreen: true, message: { body: 'ping NATTER' } }), rules({ keywords: ['natter'] }));
    assert.equal(d.notify, false);
    assert.equal(d.mention, true);
    assert.equal(matchesKeyword('release v2 today', ['v2']), true);
    assert.equal(matchesKeyword('nothing here', ['v2', ' ']), false);
  });

  it('ignores an unknown stored conversation level', () => {
    assert.equal(conversationLevel({ ext: { notify: 'loud' } }), undefined);
    assert.equal(conversationLevel({ ext: { notify: 'none' } }), 'none');
  });
});

describe('notification text', () => {
  const msg = { senderName: 'bob', kind: 'text' as const, body: 'the secret plan', attachments: undefined };
  it('names the sender and the conversation and carries the text', () => {
    assert.deepEqual(notificationText(msg, { kind: 'channel', title: '#natter', remoteId: '#natter' }, false), {
      title: 'bob in #natter',
      body: 'the secret plan',
    });
    assert.deepEqual(notificationText({ ...msg, kind: 'action', body: 'waves' }, { kind: 'direct', title: 'bob', remoteId: 'bob' }, false), {
      title: 'bob',
      body: '* bob waves',
    });
  });
  it('private mode never carries the message text', () => {
    const direct = notificationText(msg, { kind: 'direct', title: 'bob', remoteId: 'bob' }, true);
    const group = notificationText(msg, { kind: 'channel', title: '#natter', remoteId: '#natter' }, true);
    assert.deepEqual(direct, { title: 'natter', body: 'new message from bob' });
    assert.deepEqual(group, { title: 'natter', body: 'new message in #natter' });
    for (const t of [direct, group]) assert.ok(!`${t.title}${t.body}`.includes('secret'));
  });
  it('cuts long bodies', () => {
    const t = notificationText({ ...msg, body: 'x'.repeat(500) }, { kind: 'direct', title: 'bob', remoteId: 'bob' }, false);
    assert.equal([...t.body].length, 200);
    assert.ok(t.body.endsWith('…'));
  });
});
