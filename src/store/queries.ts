/**
 * The SQL the store runs, in one place so tests can check the query plans of the exact statements (EXPLAIN QUERY PLAN)
 * and so each one is prepared once per store. Placeholders are positional (`?`) on the hot paths.
 */

/** Sidebar rank of a conversation kind: server buffer, then channels/groups, then direct chats. */
const kindRank = `CASE c.kind WHEN 'server' THEN 0 WHEN 'direct' THEN 2 ELSE 1 END`;
const roleRank = `CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'moderator' THEN 2 WHEN 'voice' THEN 3
  WHEN 'member' THEN 4 ELSE 5 END`;

export const sql = {
  upsertAccount: `INSERT INTO accounts (id, protocol) VALUES (?, ?)
    ON CONFLICT (id) DO UPDATE SET protocol = excluded.protocol`,
  setAccountState: `UPDATE accounts SET state = ?, detail = ?, self = COALESCE(?, self) WHERE id = ?`,
  listAccounts: `SELECT id, protocol, self, state, detail FROM accounts ORDER BY ord`,

  upsertConversation: `INSERT INTO conversations (id, account_id, key, remote_id, kind, title, topic, joined, encrypted, ext,
      invited_by, parent_id)
    VALUES (:id, :account_id, :key, :remote_id, :kind, COALESCE(:title, :remote_id), :topic,
            COALESCE(:joined, 0), COALESCE(:encrypted, 0), :ext, :invited_by, :parent_id)
    ON CONFLICT (account_id, key) DO UPDATE SET
      remote_id = excluded.remote_id,
      kind = excluded.kind,
      title = COALESCE(:title, title),
      topic = COALESCE(:topic, topic),
      joined = COALESCE(:joined, joined),
      encrypted = COALESCE(:encrypted, encrypted),
      ext = CASE WHEN :ext IS NULL THEN ext ELSE json_patch(COALESCE(ext, '{}'), :ext) END,
      invited_by = CASE WHEN :set_invited THEN :invited_by ELSE invited_by END,
      parent_id = COALESCE(:parent_id, parent_id),
      closed = CASE WHEN :reopen THEN 0 ELSE closed END
    RETURNING *`,
  conversationById: `SELECT * FROM conversations WHERE id = ?`,
  conversationByKey: `SELECT * FROM conversations WHERE account_id = ? AND key = ?`,
  listConversations: `SELECT c.* FROM conversations c JOIN accounts a ON a.id = c.account_id
    WHERE ? OR c.closed = 0
    ORDER BY a.ord, ${kindRank}, natter_fold(c.title), c.title, c.id`,
  setClosed: `UPDATE conversations SET closed = ? WHERE id = ?`,
  /** last_read_seq never moves backwards; the counts are recomputed from the rows after it (partial index). */
  markRead: `UPDATE conversations SET
      last_read_seq = max(last_read_seq, :seq),
      (unread, mentions) = (
        SELECT count(*), coalesce(sum(m.mentions_me), 0) FROM messages m
        WHERE m.conversation_id = :id AND m.counts_unread = 1 AND m.seq > max(conversations.last_read_seq, :seq))
    WHERE id = :id RETURNING *`,
  countUnread: `SELECT count(*) AS unread, coalesce(sum(mentions_me), 0) AS mentions FROM messages
    WHERE conversation_id = ? AND counts_unread = 1 AND seq > ?`,

  /** Run with run(): `changes` 0 means a dedup conflict, else `lastInsertRowid` is the seq (RETURNING halved ingest). */
  insertMessage: `INSERT INTO messages (id, account_id, conversation_id, remote_id, dedup_key, sender_id, sender_name,
      direction, kind, body, spans, sent_at, received_at, reply_to, delivery, encryption, mentions_me, counts_unread, ext,
      thread_id, attachments)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO NOTHING`,
  /** After an insert: activity time always, unread/mentions and reopening only for messages that count. */
  bumpConversation: `UPDATE conversations SET
      last_activity_at = max(last_activity_at, ?),
      unread = unread + ?,
      mentions = mentions + ?,
      closed = CASE WHEN ? THEN 0 ELSE closed END
    WHERE id = ?`,
  messageById: `SELECT * FROM messages WHERE id = ?`,
  messageByRemoteId: `SELECT * FROM messages WHERE conversation_id = ? AND remote_id = ?`,
  /** A message by one of its alt ids (message_alt_ids primary key), then its row by the unique id index. */
  messageByAltId: `SELECT m.* FROM message_alt_ids a JOIN messages m ON m.id = a.message_id
    WHERE a.conversation_id = ? AND a.alt_id = ?`,
  insertAltId: `INSERT INTO message_alt_ids (conversation_id, alt_id, message_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
  /** Newest own / other chat message (messages_direction, read backwards; retracted and event rows are skipped). */
  lastByDirection: `SELECT * FROM messages WHERE conversation_id = ? AND direction = ?
      AND retracted = 0 AND kind IN ('text', 'action', 'notice')
    ORDER BY sent_at DESC, seq DESC LIMIT 1`,
  messageByDedupKey: `SELECT * FROM messages WHERE conversation_id = ? AND dedup_key = ?`,
  outbox: `SELECT * FROM messages WHERE delivery = 'pending' AND direction = 'out' ORDER BY seq`,
  outboxForAccount: `SELECT * FROM messages WHERE delivery = 'pending' AND direction = 'out' AND account_id = ?
    ORDER BY seq`,
  findUnconfirmedOwn: `SELECT * FROM messages
    WHERE delivery IN ('pending', 'failed') AND direction = 'out' AND conversation_id = ? AND body = ? AND sent_at BETWEEN ? AND ?
    ORDER BY sent_at, seq LIMIT 1`,
  /**
   * A patch; NULL parameters leave their column alone. The dedup key is only set when no other message of the
   * conversation holds it (that one is the same message, stored from a replay before the confirmation): the unique
   * index messages_dedup would otherwise fail the whole update.
   */
  updateMessage: `UPDATE messages SET
      remote_id = COALESCE(:remote_id, remote_id),
      sender_name = COALESCE(:sender_name, sender_name),
      dedup_key = CASE WHEN :dedup_key IS NULL OR EXISTS (SELECT 1 FROM messages o
          WHERE o.conversation_id = messages.conversation_id AND o.dedup_key = :dedup_key AND o.id <> messages.id)
        THEN dedup_key ELSE :dedup_key END,
      body = COALESCE(:body, body),
      spans = CASE WHEN :set_spans THEN :spans ELSE spans END,
      sent_at = COALESCE(:sent_at, sent_at),
      edited_at = COALESCE(:edited_at, edited_at),
      retracted = COALESCE(:retracted, retracted),
      retraction = COALESCE(:retraction, retraction),
      attachments = CASE WHEN :set_attachments THEN :attachments ELSE attachments END,
      delivery = COALESCE(:delivery, delivery),
      failure = CASE WHEN :set_failure THEN :failure ELSE failure END,
      encryption = COALESCE(:encryption, encryption)
    WHERE id = :id RETURNING *`,

  addReaction: `INSERT INTO reactions (message_id, key, sender_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
  removeReaction: `DELETE FROM reactions WHERE message_id = ? AND key = ? AND sender_id = ?`,
  reactionsOf: `SELECT key, sender_id FROM reactions WHERE message_id = ? ORDER BY rowid`,
  /** Reactions of a page of messages in one query; the argument is a JSON array of message ids. */
  reactionsOfMany: `SELECT message_id, key, sender_id FROM reactions
    WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY rowid`,

  // Timeline pages, all served by messages_page (conversation_id, sent_at, seq) in index order: no sort, no scan.
  pageNewest: `SELECT * FROM messages WHERE conversation_id = ?
    ORDER BY sent_at DESC, seq DESC LIMIT ?`,
  pageBefore: `SELECT * FROM messages WHERE conversation_id = ? AND (sent_at, seq) < (?, ?)
    ORDER BY sent_at DESC, seq DESC LIMIT ?`,
  pageAfter: `SELECT * FROM messages WHERE conversation_id = ? AND (sent_at, seq) > (?, ?)
    ORDER BY sent_at, seq LIMIT ?`,
  pageBetween: `SELECT * FROM messages WHERE conversation_id = ? AND (sent_at, seq) > (?, ?) AND (sent_at, seq) < (?, ?)
    ORDER BY sent_at, seq LIMIT ?`,
  countMessages: `SELECT count(*) AS n FROM messages WHERE conversation_id = ?`,
  oldestWithRemoteId: `SELECT * FROM messages INDEXED BY messages_page
    WHERE conversation_id = ? AND remote_id IS NOT NULL ORDER BY sent_at, seq LIMIT 1`,
  oldest: `SELECT * FROM messages WHERE conversation_id = ? ORDER BY sent_at, seq LIMIT 1`,

  deleteMembers: `DELETE FROM members WHERE conversation_id = ?`,
  upsertMember: `INSERT INTO members (conversation_id, member_id, name, role, badge, away, account)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (conversation_id, member_id) DO UPDATE SET
      name = excluded.name, role = excluded.role, badge = excluded.badge, away = excluded.away, account = excluded.account`,
  removeMember: `DELETE FROM members WHERE conversation_id = ? AND member_id = ?`,
  memberConversations: `SELECT m.conversation_id AS id FROM members m JOIN conversations c ON c.id = m.conversation_id
    WHERE m.member_id = ? AND c.account_id = ? ORDER BY m.conversation_id`,
  /** OR REPLACE: if the new id is already listed (a stale entry), the renamed row wins. */
  renameMember: `UPDATE OR REPLACE members SET member_id = :to, name = CASE WHEN name = :from THEN :to ELSE name END
    WHERE member_id = :from AND conversation_id IN (SELECT id FROM conversations WHERE account_id = :account)`,
  setMemberAway: `UPDATE members SET away = :away
    WHERE member_id = :member AND away IS NOT :away AND conversation_id IN (SELECT id FROM conversations WHERE account_id = :account)`,
  listMembers: `SELECT member_id, name, role, badge, away, account FROM members WHERE conversation_id = ?
    ORDER BY ${roleRank}, natter_fold(name), name`,

  kvGet: `SELECT value FROM kv WHERE account_id = ? AND key = ?`,
  kvSet: `INSERT INTO kv (account_id, key, value) VALUES (?, ?, ?)
    ON CONFLICT (account_id, key) DO UPDATE SET value = excluded.value`,
  kvDelete: `DELETE FROM kv WHERE account_id = ? AND key = ?`,

  /** Indexes a freshly inserted row (see the schema: inserts are indexed here, changes by triggers). */
  ftsInsert: `INSERT INTO messages_fts (rowid, body, conv, who) VALUES (?, ?, ?, ?)`,

  /**
   * Search, step 1: the seqs of the newest matches. The inner query walks the FTS5 index newest-stored first
   * (ORDER BY rowid DESC is consumed by FTS5, so it stops after :window rows) with the conversation and sender filters
   * already in the MATCH expression, and takes sent_at from the same rowid lookup of messages that checks the exact
   * filters (one lookup per candidate; an earlier form joined messages a second time for sent_at, ~2 ms more per
   * query over 1M messages). The outer query orders that window by sent time. Exact whenever the filtered matches fit
   * in the window; beyond it, the window holds the most recently stored matches, which is what "newest" means for any
   * term that common. Only integer pairs go through the sorter.
   */
  searchSeqs: `SELECT seq FROM (
      SELECT m.seq AS seq, m.sent_at AS sent_at FROM messages_fts f JOIN messages m ON m.seq = f.rowid
      WHERE messages_fts MATCH :match
        AND (:account IS NULL OR m.account_id = :account)
        AND (:conversation IS NULL OR m.conversation_id = :conversation)
        AND (:sender IS NULL OR natter_fold(m.sender_id) = :sender OR natter_fold(m.sender_name) = :sender)
      ORDER BY f.rowid DESC LIMIT :window
    )
    ORDER BY sent_at DESC, seq DESC LIMIT :limit`,
  /**
   * The unified inbox: unread messages (or unread mentions) of every conversation, newest first. Driven by the small
   * conversations table (only rows with unread messages), then for each the partial index messages_unread
   * (conversation_id, seq, mentions_me WHERE counts_unread = 1) from the last read seq on (CROSS JOIN fixes that order:
   * left alone, the planner walks the whole partial index, every message ever counted). No read message is visited. Only those rows are sorted by time (a temporary b-tree bounded by the unread count and
   * :limit).
   */
  inbox: `SELECT m.*, c.title AS conversation_title, a.protocol AS protocol
    FROM conversations c
      CROSS JOIN messages m INDEXED BY messages_unread
      JOIN accounts a ON a.id = c.account_id
    WHERE c.unread > 0 AND m.conversation_id = c.id AND m.counts_unread = 1 AND m.seq > c.last_read_seq AND (:mentions = 0 OR (c.mentions > 0 AND m.mentions_me = 1))
    ORDER BY m.sent_at DESC, m.seq DESC LIMIT :limit`,
  /**
   * Search, step 2: the hit rows with their conversation titles. (Snippets are built from these bodies in
   * search-snippet.ts; FTS5's snippet() over the hits was the most expensive step.)
   */
  searchRows: `SELECT m.*, c.title AS conversation_title FROM messages m JOIN conversations c ON c.id = m.conversation_id
    WHERE m.seq IN (SELECT value FROM json_each(?))`,
} as const;
