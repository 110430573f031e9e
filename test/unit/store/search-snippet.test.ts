// Snippets are cut in TypeScript (search-snippet.ts) instead of by FTS5 snippet(); they must highlight what the index
// matched and choose the same window. The differential test compares against snippet() itself on an in-memory FTS5
// table with the store's tokenizer.
import { strict as assert } from 'node:assert';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { ftsMatchExpression } from '../../../src/store/fts-query.js';
import { buildSnippet, foldToken, snippetPhrases } from '../../../src/store/search-snippet.js';

const S = '\u0002';
const E = '\u0003';
const snip = (body: string, query: string) => buildSnippet(body, snippetPhrases(query));
const words = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `w${from + i}`).join(' ');

test('case and Latin diacritics are folded both ways; Greek accents are not (as unicode61)', () => {
  assert.equal(snip('Un CAFÉ crème', 'cafe creme'), `Un ${S}CAFÉ${E} ${S}crème${E}`);
  assert.equal(snip('un cafe\u0301 noir', 'CAFÉ'), `un ${S}cafe\u0301${E} noir`, 'decomposed body');
  assert.equal(snip('Καλημέρα κόσμε', 'ΚΑΛΗΜΈΡΑ'), `${S}Καλημέρα${E} κόσμε`);
  assert.equal(snip('Καλημέρα κόσμε', 'καλημερα'), 'Καλημέρα κόσμε', 'no highlight: the index would not match either');
  assert.equal(snip('İstanbul trip', 'istanbul'), `${S}İstanbul${E} trip`);
  assert.equal(foldToken('Grüße'), 'grusse'.replace('ss', 'ß'));
});

test('the last word is a prefix, earlier words are whole tokens; a word with punctuation is a phrase', () => {
  assert.equal(snip('servers and server', 'serv'), `${S}servers${E} and ${S}server${E}`);
  assert.equal(snip('servers and server', 'server and'), `servers ${S}and${E} ${S}server${E}`);
  assert.equal(snip('see foo:bar here', 'foo:bar'), `see ${S}foo:bar${E} here`);
  assert.equal(snip('a foo. bar', 'foo.'), `a ${S}foo${E}. bar`, '"foo." is not a prefix');
});

test('CJK runs and emoji: tokens as unicode61 sees them', () => {
  assert.equal(snip('你好 世界', '你好'), `${S}你好${E} 世界`);
  assert.equal(snip('你好世界!', '你好'), `${S}你好世界${E}!`, 'a CJK run is one token; the prefix matches it');
  assert.equal(snip('Привет, мир! 🙂', 'привет'), `${S}Привет${E}, мир! 🙂`);
  assert.equal(snip('ok 😀deploy😀 now', 'deploy'), `ok 😀${S}deploy${E}😀 now`, '😀 separates');
  assert.equal(snip('ok 🙂deploy now', 'deploy'), 'ok 🙂deploy now', '🙂 is a letter to unicode61: no token "deploy"');
});

test('match at the start, at the end, in the middle of a long body, and no match', () => {
  const long = words(80);
  assert.equal(snip(long, 'w0'), `${S}w0${E} ${words(31, 1)}…`);
  assert.equal(snip(long, 'w79'), `…${words(31, 48)} ${S}w79${E}`);
  assert.equal(snip(long, 'w40'), `…${words(15, 25)} ${S}w40${E} ${words(16, 41)}…`);
  assert.equal(snip(long, 'absent'), `${words(32)}…`, 'no instance: the window from the start, no markers');
  assert.equal(snip('short body', 'absent'), 'short body');
  assert.equal(snip('', 'x'), '');
  assert.equal(snip('🙂 !!', 'x'), '🙂 !!', 'a body without tokens comes back whole');
});

test('hostile query strings: no throw, no markers from syntax characters', () => {
  const body = 'say "foo" AND OR (bar) NEAR baz*';
  for (const q of ['"foo', 'AND OR (', '*', '"', '(', 'NEAR(', 'foo:bar', '^foo', '\u0000', '   ', '', 'a"b"c', '\u0002x\u0003']) {
    assert.doesNotThrow(() => snip(body, q), JSON.stringify(q));
  }
  assert.equal(snip(body, '"foo'), `say "${S}foo${E}" AND OR (bar) NEAR baz*`);
  assert.equal(snip(body, 'AND OR ('), `say "foo" ${S}AND${E} ${S}OR${E} (bar) NEAR baz*`);
  assert.equal(snip(body, '*'), body);
  assert.deepEqual(snippetPhrases(' * ( '), []);
});

test('the same output as FTS5 snippet(…, 32) for realistic bodies', () => {
  const db = new DatabaseSync(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5 (body, conv, who, tokenize = 'unicode61 remove_diacritics 2')`);
  const vocab = ['server', 'deploy', 'release', 'café', 'Grüße', 'naïve', 'сервер', 'Привет', 'καλημέρα', '服务器',
    'こんにちは', '🙂', '🎉', 'the', 'a', 'build', 'kernel', 'Server.', 'ok:', 'señor', 'ÉTÉ', '(x)', '"q"', 'foo-bar'];
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const ins = db.prepare('INSERT INTO t (rowid, body, conv, who) VALUES (?, ?, ?, ?)');
  for (let i = 1; i <= 400; i++) {
    const n = 1 + rnd(70);
    const body = Array.from({ length: n }, () => vocab[rnd(vocab.length)] as string).join(rnd(5) === 0 ? '  ' : ' ');
    ins.run(i, body, 'c', 'who');
  }
  const rows = db.prepare(`SELECT rowid, body, snippet(t, 0, char(2), char(3), '…', 32) AS s FROM t WHERE t MATCH ?`);
  let compared = 0;
  for (const q of ['server', 'serv', 'deploy release', 'cafe', 'GRUSSE', 'grüße', 'сервер', '服务器', 'the a', 'naive', 'señ', 'ete', 'q', 'foo-bar', 'x']) {
    const match = ftsMatchExpression(q) as string;
    const phrases = snippetPhrases(q);
    for (const r of rows.all(match) as Array<{ rowid: number; body: string; s: string }>) {
      assert.equal(buildSnippet(r.body, phrases), r.s, `query ${q}, body ${JSON.stringify(r.body)}`);
      compared++;
    }
  }
  assert.ok(compared > 500, `compared ${compared}`);
});
