import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupKey, orderedConversations, sidebarEntries, type SidebarEntry } from '../../../src/ui/sidebar-order.js';
import type { Account } from '../../../src/core/model.js';
import { makeConversation } from './fake-engine.js';

const accounts: Account[] = [
  { id: 'hs', protocol: 'matrix', state: 'online' },
  { id: 'xmpp', protocol: 'xmpp', state: 'online' },
];
const conversations = [
  makeConversation('space', 'hs', { remoteId: '!space:hs', title: 'Work', kind: 'group', ext: { space: true } }),
  makeConversation('dev', 'hs', { remoteId: '!dev:hs', title: '#dev', kind: 'group', parentId: '!space:hs', unread: 2 }),
  makeConversation('infra', 'hs', { remoteId: '!infra:hs', title: '#infra', kind: 'group', parentId: '!space:hs', mentions: 1, unread: 3 }),
  makeConversation('lobby', 'hs', { remoteId: '!lobby:hs', title: 'lobby', kind: 'group' }),
  makeConversation('alice', 'xmpp', { remoteId: 'alice@x', title: 'alice', kind: 'direct', parentId: 'Friends' }),
  makeConversation('zed', 'xmpp', { remoteId: 'zed@x', title: 'zed', kind: 'direct' }),
  makeConversation('carl', 'xmpp', { remoteId: 'carl@x', title: 'carl', kind: 'direct', parentId: 'Colleagues' }),
];

function describe(entries: SidebarEntry[]): string[] {
  return entries.map((e) =>
    e.type === 'account'
      ? `account ${e.account.id}`
      : e.type === 'group'
        ? `group ${e.title}${e.collapsed ? ` collapsed ${e.mentions}/${e.unread}` : ''}`
        : e.type === 'person'
          ? `person ${e.name} → ${e.latestId} ${e.mentions}/${e.unread}`
          : `${'  '.repeat(e.depth)}${e.index} ${e.label ?? e.conversation.title}`,
  );
}

test('conversations with a parentId are listed under a heading: the space title or the roster group name', () => {
  assert.deepEqual(describe(sidebarEntries(accounts, conversations)), [
    'account hs',
    '0 lobby',
    'group Work',
    '  1 #dev',
    '  2 #infra',
    'account xmpp',
    '3 zed',
    'group Colleagues',
    '  4 carl',
    'group Friends',
    '  5 alice',
  ]);
});

test('a collapsed group hides its conversations except the selected one; numbering follows what is shown', () => {
  const collapsed = new Set([groupKey('hs', '!space:hs')]);
  assert.deepEqual(describe(sidebarEntries(accounts, conversations, { collapsed })), [
    'account hs',
    '0 lobby',
    'group Work collapsed 1/5',
    'account xmpp',
    '1 zed',
    'group Colleagues',
    '  2 carl',
    'group Friends',
    '  3 alice',
  ]);
  const kept = orderedConversations(accounts, conversations, { collapsed, selectedId: 'infra' }).map((c) => c.id);
  assert.deepEqual(kept, ['lobby', 'infra', 'zed', 'carl', 'alice']);
});

test('[[people]]: a person\'s conversations on several networks are listed together first, each with its network', () => {
  const accts: Account[] = [...accounts, { id: 'libera', protocol: 'irc', state: 'online' }, { id: 'mail', protocol: 'email', state: 'online' }];
  const list = [
    ...conversations,
    makeConversation('bob-irc', 'libera', { remoteId: 'Bob', title: 'Bob', kind: 'direct', lastActivityAt: 5, unread: 1 }),
    makeConversation('bob-other-irc', 'hs', { remoteId: 'Bob', title: 'not bob', kind: 'direct' }),
    makeConversation('bob-mail', 'mail', { remoteId: 'bob@mail.example', title: 'bob@mail.example', kind: 'direct', lastActivityAt: 9 }),
    makeConversation('bob-xmpp', 'xmpp', { remoteId: 'Bob@X.example', title: 'bob', kind: 'direct', lastActivityAt: 7, mentions: 2 }),
    makeConversation('libera-server', 'libera', { remoteId: 'bob', title: 'libera', kind: 'server' }),
  ];
  const people = [{ name: 'Bob', xmpp: ['bob@x.example'], email: ['bob@mail.example'], irc: ['libera/bob'] }];
  const rows = describe(sidebarEntries(accts, list, { people }));
  assert.deepEqual(rows.slice(0, 4), ['person Bob → bob-mail 2/1', '  0 Bob · xmpp', '  1 Bob · irc', '  2 Bob · email']);
  // They left their accounts' lists; an IRC nick on another account, and a server buffer, are nobody.
  assert.deepEqual(rows.slice(4), [
    'account hs',
    '3 lobby',
    '4 not bob',
    'group Work',
    '  5 #dev',
    '  6 #infra',
    'account xmpp',
    '7 zed',
    'group Colleagues',
    '  8 carl',
    'group Friends',
    '  9 alice',
    'account libera',
    '10 libera',
    'account mail',
  ]);
});
