import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/store/open-store.js';
import { fixture, msg, put, tempDir } from './helpers.js';

test('accounts: first-insert order, state updates keep self unless given', () => {
  const store = openStore(join(tempDir(), 'p'));
  store.upsertAccount({ id: 'zeta', protocol: 'irc' });
  store.upsertAccount({ id: 'alpha', protocol: 'xmpp' });
  store.upsertAccount({ id: 'zeta', protocol: 'irc' });
  assert.deepEqual(store.listAccounts(), [
    { id: 'zeta', protocol: 'irc', state: 'offline' },
    { id: 'alpha', protocol: 'xmpp', state: 'offline' },
  ]);
  store.setAccountState('zeta', { state: 'online', self: 'me' });
  store.setAccountState('zeta', { state: 'offline', detail: 'reconnecting in 8 s' });
  assert.deepEqual(store.listAccounts()[0], { id: 'zeta', protocol: 'irc', state: 'offline', self: 'me', detail: 'reconnecting in 8 s' });
  store.close();
});

test('upsertConversation creates once per (account, key) and merges later input', () => {
  const { store, conv } = fixture();
  assert.equal(conv.title, '#Chan', 'title defaults to the remote id');
  assert.equal(conv.joined, false);
  assert.match(conv.id, /^[a-z0-9]+$/);
  const merged = store.upsertConversation({
    accountId: 'acct',
    remoteId: '#chan',
    key: '#chan',
    kind: 'channel',
    title: 'The Channel',
    topic: 'welcome',
    joined: true,
    ext: { modes: '+nt' },
  });
  assert.equal(merged.id, conv.id);
  assert.equal(merged.title, 'The Channel');
  assert.equal(merged.remoteId, '#chan');
  const again = store.upsertConversation({ accountId: 'acct', remoteId: '#chan', key: '#chan', kind: 'channel', ext: { limit: 5 } });
  assert.equal(again.title, 'The Channel', 'absent fields are kept');
  assert.equal(again.topic, 'welcome');
  assert.equal(again.joined, true);
  assert.deepEqual(again.ext, { modes: '+nt', limit: 5 });
  assert.deepEqual(store.findConversation('acct', '#chan'), again);
  assert.deepEqual(store.getConversation(conv.id), again);
  assert.equal(store.findConversation('acct', '#nope'), undefined);
  // The same key on another account is another conversation.
  store.upsertAccount({ id: 'acct2', protocol: 'irc' });
  assert.notEqual(store.upsertConversation({ accountId: 'acct2', remoteId: '#chan', key: '#chan', kind: 'channel' }).id, conv.id);
});

test('closing hides from the sidebar; upsert with reopen brings it back', () => {
  const { store, conv } = fixture();
  store.setConversationClosed(conv.id, true);
  assert.deepEqual(store.listConversations(), []);
  assert.equal(store.listConversations({ includeClosed: true }).length, 1);
  store.upsertConversation({ accountId: 'acct', remoteId: '#chan', key: '#chan', kind: 'channel' });
  assert.equal(store.getConversation(conv.id)?.closed, true, 'no reopen without the flag');
  store.upsertConversation({ accountId: 'acct', remoteId: '#chan', key: '#chan', kind: 'channel' }, true);
  assert.equal(store.listConversations().length, 1);
});

test('listConversations: account order, then server, channels/groups, directs, then title case-insensitively', () => {
  const store = openStore(join(tempDir(), 'p'));
  store.upsertAccount({ id: 'second', protocol: 'xmpp' });
  store.upsertAccount({ id: 'first', protocol: 'irc' });
  const add = (accountId: string, title: string, kind: 'server' | 'channel' | 'group' | 'direct') =>
    store.upsertConversation({ accountId, remoteId: title, key: title.toLowerCase(), kind, title });
  add('first', 'bob', 'direct');
  add('first', 'ärmel', 'channel');
  add('first', 'Beta', 'channel');
  add('first', 'Ärger', 'group');
  add('first', 'alpha', 'channel');
  add('first', 'server', 'server');
  add('first', 'Alice', 'direct');
  add('second', 'zed', 'channel');
  add('second', 'srv', 'server');
  store.setConversationClosed(add('second', 'closed', 'channel').id, true);
  const order = store.listConversations().map((c) => `${c.accountId}:${c.title}`);
  assert.deepEqual(order, [
    'second:srv',
    'second:zed',
    'first:server',
    'first:alpha',
    'first:Beta',
    'first:Ärger',
    'first:ärmel',
    'first:Alice',
    'first:bob',
  ]);
  assert.equal(store.listConversations({ includeClosed: true }).length, 10);
  store.close();
});

test('markRead: recounts unread and mentions after the seq and never moves backwards', () => {
  const { store, conv } = fixture();
  const a = put(store, msg(conv.id, { countsUnread: true }));
  const b = put(store, msg(conv.id, { countsUnread: true, mentionsMe: true }));
  put(store, msg(conv.id, { countsUnread: false, mentionsMe: true })); // history: never unread
  put(store, msg(conv.id, { direction: 'out', senderId: 'me', delivery: 'sent' }));
  const d = put(store, msg(conv.id, { countsUnread: true }));
  assert.equal(store.getConversation(conv.id)?.unread, 3);
  let c = store.markRead(conv.id, a.seq);
  assert.equal(c?.lastReadSeq, a.seq);
  assert.equal(c?.unread, 2);
  assert.equal(c?.mentions, 1);
  c = store.markRead(conv.id, b.seq);
  assert.equal(c?.unread, 1);
  assert.equal(c?.mentions, 0);
  c = store.markRead(conv.id, a.seq);
  assert.equal(c?.lastReadSeq, b.seq, 'never backwards');
  assert.equal(c?.unread, 1);
  c = store.markRead(conv.id, d.seq);
  assert.equal(c?.unread, 0);
  assert.deepEqual(store.getConversation(conv.id), c);
  put(store, msg(conv.id, { countsUnread: true, mentionsMe: true }));
  c = store.getConversation(conv.id);
  assert.equal(c?.unread, 1);
  assert.equal(c?.mentions, 1);
  assert.equal(store.markRead('missing', 5), undefined);
});

test('members: replace, upsert, remove, listed by role then name', () => {
  const { store, conv } = fixture();
  store.replaceMembers(conv.id, [
    { id: 'zoe', name: 'zoe', role: 'member' },
    { id: 'op', name: 'op', role: 'admin', badge: '@' },
    { id: 'Amy', name: 'Amy', role: 'member', away: true, account: 'amy' },
  ]);
  assert.deepEqual(store.listMembers(conv.id), [
    { id: 'op', name: 'op', role: 'admin', badge: '@' },
    { id: 'Amy', name: 'Amy', role: 'member', away: true, account: 'amy' },
    { id: 'zoe', name: 'zoe', role: 'member' },
  ]);
  store.upsertMember(conv.id, { id: 'zoe', name: 'zoe', role: 'voice', badge: '+' });
  store.removeMember(conv.id, 'op');
  assert.deepEqual(
    store.listMembers(conv.id).map((m) => `${m.badge ?? ''}${m.id}`),
    ['+zoe', 'Amy'],
  );
  store.replaceMembers(conv.id, [{ id: 'solo', name: 'solo', role: 'member' }]);
  assert.deepEqual(store.listMembers(conv.id).map((m) => m.id), ['solo']);
});

test('renameMember: across the account\'s conversations only, returns the affected ids', () => {
  const { store, conv } = fixture();
  const other = store.upsertConversation({ accountId: 'acct', remoteId: '#two', key: '#two', kind: 'channel' });
  const quiet = store.upsertConversation({ accountId: 'acct', remoteId: '#three', key: '#three', kind: 'channel' });
  store.upsertAccount({ id: 'acct2', protocol: 'irc' });
  const foreign = store.upsertConversation({ accountId: 'acct2', remoteId: '#chan', key: '#chan', kind: 'channel' });
  for (const c of [conv, other, foreign]) store.upsertMember(c.id, { id: 'bob', name: 'bob', role: 'member' });
  store.upsertMember(quiet.id, { id: 'carol', name: 'carol', role: 'member' });
  store.upsertMember(other.id, { id: 'robert', name: 'bob', role: 'voice' }); // display name 'bob', id differs: untouched
  const affected = store.renameMember('acct', 'bob', 'bobby');
  assert.deepEqual([...affected].sort(), [conv.id, other.id].sort());
  assert.deepEqual(store.listMembers(conv.id), [{ id: 'bobby', name: 'bobby', role: 'member' }]);
  assert.deepEqual(store.listMembers(other.id).map((m) => m.id).sort(), ['bobby', 'robert']);
  assert.deepEqual(store.listMembers(foreign.id), [{ id: 'bob', name: 'bob', role: 'member' }], 'other account untouched');
  assert.deepEqual(store.renameMember('acct', 'nobody', 'x'), []);
  // Renaming onto an id that is already listed replaces that stale row.
  store.upsertMember(conv.id, { id: 'carl', name: 'carl', role: 'member' });
  assert.deepEqual(store.renameMember('acct', 'carl', 'bobby'), [conv.id]);
  assert.deepEqual(store.listMembers(conv.id), [{ id: 'bobby', name: 'bobby', role: 'member' }]);
});

test('setMemberAway: one update across the account\'s conversations, returns where the member is', () => {
  const { store, conv } = fixture();
  const other = store.upsertConversation({ accountId: 'acct', remoteId: '#two', key: '#two', kind: 'channel' });
  store.upsertAccount({ id: 'acct2', protocol: 'irc' });
  const foreign = store.upsertConversation({ accountId: 'acct2', remoteId: '#chan', key: '#chan', kind: 'channel' });
  for (const c of [conv, other, foreign]) store.upsertMember(c.id, { id: 'bob', name: 'bob', role: 'member' });
  assert.deepEqual(store.setMemberAway('acct', 'bob', true).sort(), [conv.id, other.id].sort());
  assert.equal(store.listMembers(conv.id)[0]?.away, true);
  assert.equal(store.listMembers(other.id)[0]?.away, true);
  assert.notEqual(store.listMembers(foreign.id)[0]?.away, true, 'other account untouched');
  store.setMemberAway('acct', 'bob', false);
  assert.notEqual(store.listMembers(conv.id)[0]?.away, true);
  assert.deepEqual(store.setMemberAway('acct', 'nobody', true), []);
});
