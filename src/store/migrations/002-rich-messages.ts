/**
 * Schema version 2: what rich messaging needs.
 * - `message_alt_ids`: other ids peers use for a message (XMPP origin-id/message id next to the stanza-id), so an
 *   edit, reaction or retraction naming one of them finds the message through an index, never a scan.
 * - messages: `thread_id`, `attachments` (JSON list; a pending upload keeps its local file here so it survives a
 *   restart) and `retraction` (JSON: who retracted it, moderated, reason).
 * - conversations: `invited_by` (an unanswered invitation) and `parent_id` (space/group).
 */
import type { DatabaseSync } from 'node:sqlite';

export function up(db: DatabaseSync): void {
  db.exec(`
    ALTER TABLE messages ADD COLUMN thread_id TEXT;
    ALTER TABLE messages ADD COLUMN attachments TEXT;
    ALTER TABLE messages ADD COLUMN retraction TEXT;
    ALTER TABLE conversations ADD COLUMN invited_by TEXT;
    ALTER TABLE conversations ADD COLUMN parent_id TEXT;

    -- Scoped by conversation like messages_remote: an alt id means something only within its conversation.
    CREATE TABLE message_alt_ids (
      conversation_id TEXT NOT NULL,
      alt_id          TEXT NOT NULL,
      message_id      TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      PRIMARY KEY (conversation_id, alt_id)
    ) WITHOUT ROWID;
    -- For the cascade when a message is deleted.
    CREATE INDEX message_alt_ids_message ON message_alt_ids (message_id);
    -- The latest own / other message of a conversation (default targets of /edit, /reply …), newest first.
    CREATE INDEX messages_direction ON messages (conversation_id, direction, sent_at, seq);
  `);
}
