/**
 * Schema version 1: accounts, conversations, messages (+ FTS5 index), reactions, members and the per-account
 * key-value space. Times are integers in ms since the epoch; booleans are 0/1; free-form objects are JSON text.
 */
import type { DatabaseSync } from 'node:sqlite';

export function up(db: DatabaseSync): void {
  db.exec(`
    -- ord keeps the order of first insert (sidebar order); an explicit INTEGER PRIMARY KEY survives VACUUM.
    CREATE TABLE accounts (
      ord      INTEGER PRIMARY KEY,
      id       TEXT NOT NULL UNIQUE,
      protocol TEXT NOT NULL,
      self     TEXT,
      state    TEXT NOT NULL DEFAULT 'offline',
      detail   TEXT
    );

    CREATE TABLE conversations (
      id               TEXT PRIMARY KEY,
      account_id       TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      key              TEXT NOT NULL,
      remote_id        TEXT NOT NULL,
      kind             TEXT NOT NULL,
      title            TEXT NOT NULL,
      topic            TEXT,
      unread           INTEGER NOT NULL DEFAULT 0,
      mentions         INTEGER NOT NULL DEFAULT 0,
      last_read_seq    INTEGER NOT NULL DEFAULT 0,
      last_activity_at INTEGER NOT NULL DEFAULT 0,
      closed           INTEGER NOT NULL DEFAULT 0,
      joined           INTEGER NOT NULL DEFAULT 0,
      encrypted        INTEGER NOT NULL DEFAULT 0,
      ext              TEXT,
      UNIQUE (account_id, key)
    );

    -- seq is the store order and the paging cursor. AUTOINCREMENT: a seq is never reused, even after deletes,
    -- because last_read_seq and UI cursors refer to it.
    CREATE TABLE messages (
      seq             INTEGER PRIMARY KEY AUTOINCREMENT,
      id              TEXT NOT NULL UNIQUE,
      account_id      TEXT NOT NULL,
      conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      remote_id       TEXT,
      dedup_key       TEXT,
      sender_id       TEXT NOT NULL,
      sender_name     TEXT NOT NULL,
      direction       TEXT NOT NULL,
      kind            TEXT NOT NULL,
      body            TEXT NOT NULL,
      spans           TEXT,
      sent_at         INTEGER NOT NULL,
      received_at     INTEGER NOT NULL,
      reply_to        TEXT,
      edited_at       INTEGER,
      retracted       INTEGER NOT NULL DEFAULT 0,
      delivery        TEXT,
      failure         TEXT,
      encryption      TEXT,
      mentions_me     INTEGER NOT NULL DEFAULT 0,
      counts_unread   INTEGER NOT NULL DEFAULT 0,
      ext             TEXT
    );
    -- Dedup: conversations are scoped by account, so these are per (account, conversation, remote id / dedup key).
    CREATE UNIQUE INDEX messages_remote ON messages (conversation_id, remote_id) WHERE remote_id IS NOT NULL;
    CREATE UNIQUE INDEX messages_dedup ON messages (conversation_id, dedup_key) WHERE dedup_key IS NOT NULL;
    -- Timeline paging by (sent_at, seq).
    CREATE INDEX messages_page ON messages (conversation_id, sent_at, seq);
    -- Unread/mention recount after markRead: covering, and only over rows that count.
    CREATE INDEX messages_unread ON messages (conversation_id, seq, mentions_me) WHERE counts_unread = 1;
    -- The outbox is small: index only pending rows.
    CREATE INDEX messages_pending ON messages (direction, seq) WHERE delivery = 'pending';

    CREATE TABLE reactions (
      message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      key        TEXT NOT NULL,
      sender_id  TEXT NOT NULL,
      UNIQUE (message_id, key, sender_id)
    );

    CREATE TABLE members (
      conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      member_id       TEXT NOT NULL,
      name            TEXT NOT NULL,
      role            TEXT NOT NULL,
      badge           TEXT,
      away            INTEGER NOT NULL DEFAULT 0,
      account         TEXT,
      PRIMARY KEY (conversation_id, member_id)
    ) WITHOUT ROWID;
    CREATE INDEX members_by_id ON members (member_id);

    CREATE TABLE kv (
      account_id TEXT NOT NULL,
      key        TEXT NOT NULL,
      value      TEXT NOT NULL,
      PRIMARY KEY (account_id, key)
    ) WITHOUT ROWID;

    -- Full-text index, external content (the text lives once, in messages; https://sqlite.org/fts5.html#external_content_tables).
    -- The content is this view, so it says exactly what is indexed: not retracted messages, not membership/topic event
    -- lines (they would drown every search for a nick). Besides the body, the conversation id and the sender (id and
    -- name) are indexed columns so that search filters narrow inside the index instead of after a join.
    -- unicode61 with remove_diacritics 2 folds case and diacritics for all scripts it knows
    -- (https://sqlite.org/fts5.html#unicode61_tokenizer): "cafe" finds "café", "ПРИВЕТ" finds "привет".
    CREATE VIEW messages_fts_content AS
      SELECT seq, body, conversation_id AS conv, sender_id || ' ' || sender_name AS who
      FROM messages WHERE retracted = 0 AND kind <> 'event';
    CREATE VIRTUAL TABLE messages_fts USING fts5 (
      body, conv, who,
      content = 'messages_fts_content',
      content_rowid = 'seq',
      tokenize = 'unicode61 remove_diacritics 2'
    );
    -- New rows are indexed by the store itself in insertMessage, right after the row (a per-row AFTER INSERT trigger
    -- into FTS5 cut batched ingest to a third in measurements). Everything that changes or removes indexed text goes
    -- through these triggers. The 'delete' command must repeat exactly the values that were indexed.
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
    WHEN old.retracted = 0 AND old.kind <> 'event' BEGIN
      INSERT INTO messages_fts (messages_fts, rowid, body, conv, who)
        VALUES ('delete', old.seq, old.body, old.conversation_id, old.sender_id || ' ' || old.sender_name);
    END;
    -- One trigger for both halves so the delete of the old text always runs before the insert of the new one.
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, retracted, kind, conversation_id, sender_id, sender_name
    ON messages
    WHEN old.body IS NOT new.body OR old.retracted IS NOT new.retracted OR old.kind IS NOT new.kind
      OR old.conversation_id IS NOT new.conversation_id OR old.sender_id IS NOT new.sender_id
      OR old.sender_name IS NOT new.sender_name BEGIN
      INSERT INTO messages_fts (messages_fts, rowid, body, conv, who)
        SELECT 'delete', old.seq, old.body, old.conversation_id, old.sender_id || ' ' || old.sender_name
        WHERE old.retracted = 0 AND old.kind <> 'event';
      INSERT INTO messages_fts (rowid, body, conv, who)
        SELECT new.seq, new.body, new.conversation_id, new.sender_id || ' ' || new.sender_name
        WHERE new.retracted = 0 AND new.kind <> 'event';
    END;
  `);
}
