// The hot queries must be served by their indexes: no full scan of messages, no temporary b-tree for the ordering.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { sql } from '../../../src/store/queries.js';
import { fixture, msg, put, rawDb } from './helpers.js';

function plan(dir: string, text: string, params: unknown[] | Record<string, unknown>): string {
  const db = rawDb(dir);
  const stmt = db.prepare(`EXPLAIN QUERY PLAN ${text}`);
  const rows = (Array.isArray(params) ? stmt.all(...(params as never[])) : stmt.all(params as never)) as Array<{ detail: string }>;
  return rows.map((r) => r.detail).join('\n');
}

function setup() {
  const f = fixture();
  for (let i = 0; i < 50; i++) put(f.store, msg(f.conv.id, { sentAt: i % 7, countsUnread: true }));
  return f;
}

const noScan = (p: string) => {
  assert.doesNotMatch(p, /SCAN messages\b(?! USING)/, p);
  assert.doesNotMatch(p, /TEMP B-TREE/, p);
};

test('timeline pages use messages_page in index order', () => {
  const { dir } = setup();
  for (const [text, params] of [
    [sql.pageNewest, ['c', 10]],
    [sql.pageBefore, ['c', 1, 2, 10]],
    [sql.pageAfter, ['c', 1, 2, 10]],
    [sql.pageBetween, ['c', 1, 2, 3, 4, 10]],
    [sql.oldest, ['c']],
  ] as const) {
    const p = plan(dir, text, [...params]);
    assert.match(p, /messages_page/, p);
    noScan(p);
  }
  // Any index on (conversation_id, …) counts a conversation without touching other rows.
  const p = plan(dir, sql.countMessages, ['c']);
  assert.match(p, /USING COVERING INDEX messages_(page|direction)/, p);
  noScan(p);
});

test('alt ids and the default targets of /edit and /reply are indexed lookups', () => {
  const { dir } = setup();
  let p = plan(dir, sql.messageByAltId, ['c', 'x']);
  assert.match(p, /SEARCH a USING PRIMARY KEY \(conversation_id=\? AND alt_id=\?\)/, p);
  assert.match(p, /SEARCH m USING INDEX sqlite_autoindex_messages_1 \(id=\?\)/, p);
  noScan(p);
  p = plan(dir, sql.lastByDirection, ['c', 'out']);
  assert.match(p, /USING INDEX messages_direction \(conversation_id=\? AND direction=\?\)/, p);
  noScan(p);
});

test('dedup lookups, unread recount and outbox use their partial indexes', () => {
  const { dir } = setup();
  let p = plan(dir, sql.messageByRemoteId, ['c', 'r']);
  assert.match(p, /USING INDEX messages_remote/, p);
  p = plan(dir, sql.messageByDedupKey, ['c', 'k']);
  assert.match(p, /USING INDEX messages_dedup/, p);
  p = plan(dir, sql.markRead, { id: 'c', seq: 1 });
  assert.match(p, /USING COVERING INDEX messages_unread/, p);
  noScan(p);
  for (const [text, params] of [
    [sql.outbox, []],
    [sql.outboxForAccount, ['a']],
  ] as const) {
    p = plan(dir, text, [...params]);
    assert.match(p, /messages_pending/, p);
    noScan(p);
  }
  p = plan(dir, sql.findUnconfirmedOwn, ['c', 'b', 1, 2]);
  assert.match(p, /USING INDEX messages_(pending|page|direction)/, p);
  assert.doesNotMatch(p, /SCAN messages\b(?! USING)/, p);
});

test('search is driven by the FTS5 index and joins messages by rowid', () => {
  const { dir } = setup();
  const p = plan(dir, sql.searchSeqs, { match: 'body : ("x")', account: null, conversation: null, sender: null, window: 10, limit: 5 });
  assert.match(p, /SCAN f VIRTUAL TABLE/, p);
  assert.match(p, /SEARCH m USING INTEGER PRIMARY KEY/, p);
  assert.equal(p.match(/SEARCH m\b/g)?.length, 1, `one rowid lookup of messages per candidate (filters and sent_at)\n${p}`);
  assert.doesNotMatch(p, /SCAN m\b/, p);
});

test('the unified inbox reads only unread rows through messages_unread, starting from the conversations', () => {
  const { dir } = setup();
  for (const mentions of [0, 1]) {
    const p = plan(dir, sql.inbox, { mentions, limit: 50 });
    assert.match(p, /SEARCH m USING (COVERING )?INDEX messages_unread \(conversation_id=\? AND seq>\?\)/, p);
    assert.doesNotMatch(p, /SCAN m\b/, p);
    assert.doesNotMatch(p, /SCAN messages\b/, p);
  }
});
