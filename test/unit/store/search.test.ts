import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ftsMatchExpression } from '../../../src/store/fts-query.js';
import { SEARCH_WINDOW } from '../../../src/store/sqlite-store.js';
import { fixture, msg, put, rawDb } from './helpers.js';

const S = '\u0002';
const E = '\u0003';

function setup() {
  const f = fixture();
  const { store, conv } = f;
  store.upsertConversation({ accountId: 'acct', remoteId: '#Chan', key: '#chan', kind: 'channel', title: 'The Chan' });
  const other = store.upsertConversation({ accountId: 'acct', remoteId: 'alice', key: 'alice', kind: 'direct', title: 'Alice' });
  store.upsertAccount({ id: 'acct2', protocol: 'xmpp' });
  const foreign = store.upsertConversation({ accountId: 'acct2', remoteId: 'room@muc', key: 'room@muc', kind: 'group', title: 'Room' });
  return { ...f, chan: conv, other, foreign };
}

test('finds words newest first (by sent time, not insert order), with snippet markers and the conversation title', () => {
  const { store, chan, other } = setup();
  put(store, msg(chan.id, { id: 'new', body: 'deploy the release today', sentAt: 3000 }));
  put(store, msg(other.id, { id: 'old', body: 'the release is broken', sentAt: 1000 }));
  put(store, msg(chan.id, { id: 'mid', body: 'Release notes are up', sentAt: 2000 })); // inserted last, older than 'new'
  put(store, msg(chan.id, { id: 'none', body: 'nothing relevant here', sentAt: 4000 }));
  const hits = store.search('release');
  assert.deepEqual(hits.map((h) => h.message.id), ['new', 'mid', 'old']);
  assert.equal(hits[0]?.snippet, `deploy the ${S}release${E} today`);
  assert.equal(hits[1]?.snippet, `${S}Release${E} notes are up`);
  assert.equal(hits[0]?.conversationTitle, 'The Chan');
  assert.equal(hits[2]?.conversationTitle, 'Alice');
  assert.equal(hits[0]?.message.body, 'deploy the release today');
});

test('all words must match; the last word is a prefix, earlier ones are whole words', () => {
  const { store, chan } = setup();
  put(store, msg(chan.id, { id: 'a', body: 'server build failed' }));
  put(store, msg(chan.id, { id: 'b', body: 'servers are fine' }));
  put(store, msg(chan.id, { id: 'c', body: 'build the server' }));
  assert.deepEqual(store.search('serv').map((h) => h.message.id).sort(), ['a', 'b', 'c']);
  assert.deepEqual(store.search('build serv').map((h) => h.message.id).sort(), ['a', 'c']);
  assert.deepEqual(store.search('serv build').map((h) => h.message.id), [], '"serv" is not a prefix unless last');
  assert.deepEqual(store.search('failed build').map((h) => h.message.id), ['a'], 'word order does not matter');
});

test('hostile query strings never throw and are searched as plain words', () => {
  const { store, chan } = setup();
  put(store, msg(chan.id, { id: 'q', body: 'say "foo" AND OR (bar) NEAR baz*' }));
  const queries = ['"foo', 'AND OR (', '*', '"', '""', '(', ')', 'NEAR(', 'NOT', 'foo:bar', 'body:foo', '^foo', '-foo',
    "'; DROP TABLE messages; --", '{body conv}: x', 'a"b"c', '\u0000', '   ', '', '***', 'foo*', 'OR', '+', 'NEAR(foo bar, 2)'];
  for (const q of queries) assert.doesNotThrow(() => store.search(q), `query ${JSON.stringify(q)}`);
  assert.deepEqual(store.search('"foo').map((h) => h.message.id), ['q']);
  assert.deepEqual(store.search('AND OR (').map((h) => h.message.id), ['q'], 'operators are words here');
  assert.deepEqual(store.search('NEAR(').map((h) => h.message.id), ['q']);
  assert.deepEqual(store.search('*'), []);
  assert.deepEqual(store.search(''), []);
  assert.deepEqual(store.search('body:foo'), [], 'no column filter injection: "body:foo" is the phrase body foo');
  assert.equal(store.countMessages(chan.id), 1);
});

test('non-ASCII words: case folded everywhere, Latin diacritics folded, Cyrillic, Greek, CJK, emoji around', () => {
  const { store, chan } = setup();
  put(store, msg(chan.id, { id: 'fr', body: 'Un café crème, s’il vous plaît' }));
  put(store, msg(chan.id, { id: 'ru', body: 'Привет, мир! 🙂' }));
  put(store, msg(chan.id, { id: 'el', body: 'Καλημέρα κόσμε' }));
  put(store, msg(chan.id, { id: 'zh', body: '你好 世界' }));
  put(store, msg(chan.id, { id: 'de', body: 'Grüße aus der Straße' }));
  const one = (q: string) => store.search(q).map((h) => h.message.id);
  assert.deepEqual(one('cafe'), ['fr']);
  assert.deepEqual(one('CAFÉ creme'), ['fr']);
  assert.deepEqual(one('привет'), ['ru']);
  assert.deepEqual(one('ПРИВ'), ['ru']);
  assert.deepEqual(one('мир'), ['ru']);
  assert.deepEqual(one('ΚΑΛΗΜΈΡΑ'), ['el'], 'Greek case is folded');
  assert.deepEqual(one('καλημερα'), [], 'unicode61 strips diacritics from Latin letters only');
  assert.deepEqual(one('你好'), ['zh']);
  assert.deepEqual(one('grusse'), [], 'ß is not ss in unicode61');
  assert.deepEqual(one('grüße'), ['de']);
  assert.equal(store.search('привет')[0]?.snippet, `${S}Привет${E}, мир! 🙂`);
});

test('filters: account, conversation, sender (id or name, case-insensitive); limit defaults to 50', () => {
  const { store, chan, other, foreign } = setup();
  put(store, msg(chan.id, { id: 'c1', body: 'ping one', senderId: 'bob', senderName: 'Bob' }));
  put(store, msg(chan.id, { id: 'c2', body: 'ping two', senderId: 'carol', senderName: 'Carol Ä' }));
  put(store, msg(other.id, { id: 'o1', body: 'ping three', senderId: 'alice', senderName: 'Alice' }));
  put(store, msg(foreign.id, { id: 'f1', accountId: 'acct2', body: 'ping four', senderId: 'bob@x', senderName: 'Bob' }));
  const ids = (o: Parameters<typeof store.search>[1]) => store.search('ping', o).map((h) => h.message.id).sort();
  assert.deepEqual(ids({}), ['c1', 'c2', 'f1', 'o1']);
  assert.deepEqual(ids({ accountId: 'acct2' }), ['f1']);
  assert.deepEqual(ids({ conversationId: chan.id }), ['c1', 'c2']);
  assert.deepEqual(ids({ sender: 'BOB' }), ['c1', 'f1']);
  assert.deepEqual(ids({ sender: 'bob@X' }), ['f1']);
  assert.deepEqual(ids({ sender: 'carol ä' }), ['c2']);
  assert.deepEqual(ids({ sender: 'car' }), [], 'the sender must match whole, not as a prefix');
  assert.deepEqual(ids({ accountId: 'acct', sender: 'bob' }), ['c1']);
  assert.deepEqual(ids({ conversationId: other.id, sender: 'bob' }), []);
  assert.equal(store.search('ping', { limit: 2 }).length, 2);

  store.transaction(() => {
    for (let i = 0; i < 60; i++) put(store, msg(chan.id, { body: `many ping ${i}` }));
  });
  assert.equal(store.search('many').length, 50);
});

test('edits are re-indexed; retracted messages and event lines are not found', () => {
  const { store, chan, dir } = setup();
  put(store, msg(chan.id, { id: 'e', body: 'teh typo' }));
  put(store, msg(chan.id, { id: 'r', body: 'secret plans' }));
  put(store, msg(chan.id, { id: 'ev', kind: 'event', body: 'bob joined' }));
  put(store, msg(chan.id, { id: 'txt', body: 'bob says hi' }));
  store.updateMessage('e', { body: 'the fixed text', editedAt: 1 });
  assert.deepEqual(store.search('teh'), []);
  assert.deepEqual(store.search('fixed').map((h) => h.message.id), ['e']);
  store.updateMessage('e', { delivery: 'sent' }); // no text change: index untouched and still right
  assert.deepEqual(store.search('fixed').map((h) => h.message.id), ['e']);
  store.updateMessage('r', { retracted: true });
  assert.deepEqual(store.search('secret'), []);
  store.updateMessage('r', { retracted: false, body: 'restored plans' });
  assert.deepEqual(store.search('plans').map((h) => h.message.id), ['r']);
  assert.deepEqual(store.search('bob').map((h) => h.message.id), ['txt']);
  assert.deepEqual(store.search('joined'), []);
  // The index matches its content view exactly (FTS5 integrity-check with content comparison).
  const raw = rawDb(dir);
  assert.doesNotThrow(() => raw.exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)`));
  raw.exec(`DELETE FROM messages WHERE id IN ('e', 'r', 'ev')`);
  assert.doesNotThrow(() => raw.exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)`));
  assert.deepEqual(store.search('plans'), []);
});

test('more matches than the search window: still the newest ones', () => {
  const { store, chan } = setup();
  const n = SEARCH_WINDOW + 300;
  store.transaction(() => {
    for (let i = 0; i < n; i++) put(store, msg(chan.id, { id: `w${i}`, body: `common word ${i}`, sentAt: 10_000 + i }));
  });
  const hits = store.search('common', { limit: 5 });
  assert.deepEqual(hits.map((h) => h.message.id), [n - 1, n - 2, n - 3, n - 4, n - 5].map((i) => `w${i}`));
});

test('ftsMatchExpression quotes every word and restricts the words to the body column', () => {
  assert.equal(ftsMatchExpression('foo "bar'), 'body : ("foo" """bar"*)');
  assert.equal(ftsMatchExpression('a.'), 'body : ("a.")');
  assert.equal(ftsMatchExpression(' * ( '), undefined);
  assert.equal(ftsMatchExpression('x', { conversationId: 'cabc', sender: 'Bob' }), 'body : ("x"*) AND conv : "cabc" AND who : "Bob"');
});
