/**
 * The {@link Store} on node:sqlite. One instance per open database; every statement is prepared once and cached.
 * Not thread-safe in any sense that matters here: node:sqlite is synchronous and the engine owns the instance.
 */
import { randomBytes } from 'node:crypto';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { KeyValue } from '../core/contract.js';
import { NatterError } from '../core/errors.js';
import type { Account, Conversation, Message, PageCursor, Participant, SearchHit } from '../core/model.js';
import { ftsMatchExpression } from './fts-query.js';
import { sql } from './queries.js';
import {
  accountFromRow,
  conversationFromRow,
  encryptionToJson,
  groupReactions,
  memberFromRow,
  messageFromRow,
  toJson,
  type AccountRow,
  type ConversationRow,
  type MemberRow,
  type MessageRow,
} from './rows.js';
import type {
  ConversationInput,
  InsertResult,
  MessagePatch,
  NewMessage,
  SearchOptions,
  Store,
} from './types.js';

/** Case folding used for sidebar order, member order and the search sender filter (SQLite's NOCASE is ASCII-only). */
export function fold(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

/** Registers the SQL functions the queries use; needed on every connection (read-only ones too). */
export function registerFunctions(db: DatabaseSync): void {
  db.function('natter_fold', { deterministic: true }, (v) => (typeof v === 'string' ? fold(v) : v));
}

function newConversationId(): string {
  // Letters and digits only: the id is also one token in the FTS index (conversation filter).
  return `c${randomBytes(8).toString('hex')}`;
}

/** How many of the most recently stored matches search() orders by sent time (see sql.searchSeqs). */
export const SEARCH_WINDOW = 2000;

const b = (v: boolean | undefined): number | null => (v === undefined ? null : v ? 1 : 0);

export class SqliteStore implements Store {
  private readonly statements = new Map<string, StatementSync>();
  private depth = 0;
  private savepoints = 0;
  private closed = false;

  constructor(
    private readonly db: DatabaseSync,
    readonly path: string,
    private readonly readOnly = false,
    private readonly onClose: () => void = () => {},
  ) {}

  private stmt(text: string): StatementSync {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  // ── accounts ─────────────────────────────────────────────────────────────────────────────────────────────────────

  upsertAccount(account: { id: string; protocol: Account['protocol'] }): void {
    this.stmt(sql.upsertAccount).run(account.id, account.protocol);
  }

  setAccountState(id: string, state: Pick<Account, 'state' | 'detail' | 'self'>): void {
    this.stmt(sql.setAccountState).run(state.state, state.detail ?? null, state.self ?? null, id);
  }

  listAccounts(): Account[] {
    return (this.stmt(sql.listAccounts).all() as unknown as AccountRow[]).map(accountFromRow);
  }

  // ── conversations ────────────────────────────────────────────────────────────────────────────────────────────────

  upsertConversation(input: ConversationInput, reopen = false): Conversation {
    const params: Record<string, SQLInputValue> = {
      id: newConversationId(),
      account_id: input.accountId,
      key: input.key,
      remote_id: input.remoteId,
      kind: input.kind,
      title: input.title ?? null,
      topic: input.topic ?? null,
      joined: b(input.joined),
      encrypted: b(input.encrypted),
      ext: toJson(input.ext),
      reopen: reopen ? 1 : 0,
    };
    const row = this.stmt(sql.upsertConversation).get(params) as unknown as ConversationRow;
    return conversationFromRow(row);
  }

  getConversation(id: string): Conversation | undefined {
    const row = this.stmt(sql.conversationById).get(id) as ConversationRow | undefined;
    return row && conversationFromRow(row);
  }

  findConversation(accountId: string, key: string): Conversation | undefined {
    const row = this.stmt(sql.conversationByKey).get(accountId, key) as ConversationRow | undefined;
    return row && conversationFromRow(row);
  }

  listConversations(options?: { includeClosed?: boolean }): Conversation[] {
    const rows = this.stmt(sql.listConversations).all(options?.includeClosed ? 1 : 0) as unknown as ConversationRow[];
    return rows.map(conversationFromRow);
  }

  setConversationClosed(id: string, closed: boolean): void {
    this.stmt(sql.setClosed).run(closed ? 1 : 0, id);
  }

  markRead(id: string, seq: number): Conversation | undefined {
    const row = this.stmt(sql.markRead).get({ id, seq }) as ConversationRow | undefined;
    return row && conversationFromRow(row);
  }

  // ── messages ─────────────────────────────────────────────────────────────────────────────────────────────────────

  insertMessage(m: NewMessage): InsertResult {
    return this.atomic(() => {
      const result = this.stmt(sql.insertMessage).run(
        m.id,
        m.accountId,
        m.conversationId,
        m.remoteId ?? null,
        m.dedupKey ?? null,
        m.senderId,
        m.senderName,
        m.direction,
        m.kind,
        m.body,
        m.spans === undefined ? null : JSON.stringify(m.spans),
        m.sentAt,
        m.receivedAt,
        m.replyTo ?? null,
        m.delivery ?? null,
        encryptionToJson(m.encryption),
        m.mentionsMe ? 1 : 0,
        m.countsUnread ? 1 : 0,
        toJson(m.ext),
      );
      if (result.changes === 0) return { inserted: false, existing: this.conflicting(m) };
      const seq = Number(result.lastInsertRowid);
      if (m.kind !== 'event') {
        this.stmt(sql.ftsInsert).run(seq, m.body, m.conversationId, `${m.senderId} ${m.senderName}`);
      }
      const counts = m.countsUnread ? 1 : 0;
      this.stmt(sql.bumpConversation).run(m.sentAt, counts, counts && (m.mentionsMe ? 1 : 0), counts, m.conversationId);
      const message: Message = {
        id: m.id,
        seq,
        accountId: m.accountId,
        conversationId: m.conversationId,
        senderId: m.senderId,
        senderName: m.senderName,
        direction: m.direction,
        kind: m.kind,
        body: m.body,
        sentAt: m.sentAt,
        receivedAt: m.receivedAt,
        retracted: false,
        encryption: { ...m.encryption },
        mentionsMe: m.mentionsMe,
        reactions: [],
      };
      if (m.remoteId !== undefined) message.remoteId = m.remoteId;
      if (m.spans !== undefined) message.spans = m.spans;
      if (m.replyTo !== undefined) message.replyTo = m.replyTo;
      if (m.delivery !== undefined) message.delivery = m.delivery;
      if (m.ext !== undefined) message.ext = m.ext;
      return { inserted: true, message };
    });
  }

  /** The row that made an insert a no-op: same remote id, same dedup key, or (a caller bug) the same local id. */
  private conflicting(m: NewMessage): Message {
    let row: MessageRow | undefined;
    if (m.remoteId !== undefined) row = this.stmt(sql.messageByRemoteId).get(m.conversationId, m.remoteId) as MessageRow | undefined;
    if (!row && m.dedupKey !== undefined) {
      row = this.stmt(sql.messageByDedupKey).get(m.conversationId, m.dedupKey) as MessageRow | undefined;
    }
    row ??= this.stmt(sql.messageById).get(m.id) as MessageRow | undefined;
    if (!row) throw new NatterError(`message ${m.id} was neither inserted nor found`);
    return this.withReactions(row);
  }

  private withReactions(row: MessageRow): Message {
    const reactions = this.stmt(sql.reactionsOf).all(row.id) as unknown as Array<{ key: string; sender_id: string }>;
    return messageFromRow(row, groupReactions(reactions));
  }

  /** Maps a page of rows to messages with their reactions, fetched in one query. */
  private withReactionsMany(rows: MessageRow[]): Message[] {
    if (rows.length === 0) return [];
    const reactionRows = this.stmt(sql.reactionsOfMany).all(JSON.stringify(rows.map((r) => r.id))) as unknown as Array<{
      message_id: string;
      key: string;
      sender_id: string;
    }>;
    if (reactionRows.length === 0) return rows.map((r) => messageFromRow(r));
    const byMessage = new Map<string, Array<{ key: string; sender_id: string }>>();
    for (const r of reactionRows) {
      let list = byMessage.get(r.message_id);
      if (!list) byMessage.set(r.message_id, (list = []));
      list.push(r);
    }
    return rows.map((r) => messageFromRow(r, groupReactions(byMessage.get(r.id) ?? [])));
  }

  getMessage(id: string): Message | undefined {
    const row = this.stmt(sql.messageById).get(id) as MessageRow | undefined;
    return row && this.withReactions(row);
  }

  findByRemoteId(conversationId: string, remoteId: string): Message | undefined {
    const row = this.stmt(sql.messageByRemoteId).get(conversationId, remoteId) as MessageRow | undefined;
    return row && this.withReactions(row);
  }

  outbox(accountId?: string): Message[] {
    const rows = (
      accountId === undefined ? this.stmt(sql.outbox).all() : this.stmt(sql.outboxForAccount).all(accountId)
    ) as unknown as MessageRow[];
    return this.withReactionsMany(rows);
  }

  findUnconfirmedOwn(conversationId: string, body: string, around: number, windowMs: number): Message | undefined {
    const row = this.stmt(sql.findUnconfirmedOwn).get(conversationId, body, around - windowMs, around + windowMs) as
      | MessageRow
      | undefined;
    return row && this.withReactions(row);
  }

  updateMessage(id: string, patch: MessagePatch): Message | undefined {
    const params: Record<string, SQLInputValue> = {
      id,
      remote_id: patch.remoteId ?? null,
      body: patch.body ?? null,
      set_spans: patch.spans !== undefined ? 1 : 0,
      spans: patch.spans ? JSON.stringify(patch.spans) : null,
      sent_at: patch.sentAt ?? null,
      edited_at: patch.editedAt ?? null,
      retracted: b(patch.retracted),
      delivery: patch.delivery ?? null,
      set_failure: patch.failure !== undefined ? 1 : 0,
      failure: patch.failure ?? null,
    };
    let row: MessageRow | undefined;
    try {
      row = this.stmt(sql.updateMessage).get(params) as MessageRow | undefined;
    } catch (error) {
      if (patch.remoteId !== undefined && /UNIQUE constraint failed/.test(String(error))) {
        throw new NatterError(`another message in this conversation already has the remote id ${patch.remoteId}`, {
          cause: error,
        });
      }
      throw error;
    }
    return row && this.withReactions(row);
  }

  setReaction(messageId: string, senderId: string, key: string, add: boolean): Message | undefined {
    return this.atomic(() => {
      const row = this.stmt(sql.messageById).get(messageId) as MessageRow | undefined;
      if (!row) return undefined;
      this.stmt(add ? sql.addReaction : sql.removeReaction).run(messageId, key, senderId);
      return this.withReactions(row);
    });
  }

  messages(conversationId: string, options: { before?: PageCursor; after?: PageCursor; limit: number }): Message[] {
    const { before, after } = options;
    const limit = Math.max(0, Math.floor(options.limit));
    let rows: MessageRow[];
    if (before && after) {
      rows = this.stmt(sql.pageBetween).all(
        conversationId,
        after.sentAt,
        after.seq,
        before.sentAt,
        before.seq,
        limit,
      ) as unknown as MessageRow[];
    } else if (after) {
      rows = this.stmt(sql.pageAfter).all(conversationId, after.sentAt, after.seq, limit) as unknown as MessageRow[];
    } else {
      rows = (
        before
          ? this.stmt(sql.pageBefore).all(conversationId, before.sentAt, before.seq, limit)
          : this.stmt(sql.pageNewest).all(conversationId, limit)
      ) as unknown as MessageRow[];
      rows.reverse(); // fetched newest first so LIMIT takes the right end; returned oldest first
    }
    return this.withReactionsMany(rows);
  }

  countMessages(conversationId: string): number {
    return (this.stmt(sql.countMessages).get(conversationId) as { n: number }).n;
  }

  /** The oldest message that has a remote id (what a history request pages from); else the oldest message at all. */
  oldestMessage(conversationId: string): Message | undefined {
    const row = (this.stmt(sql.oldestWithRemoteId).get(conversationId) ?? this.stmt(sql.oldest).get(conversationId)) as
      | MessageRow
      | undefined;
    return row && this.withReactions(row);
  }

  // ── members ──────────────────────────────────────────────────────────────────────────────────────────────────────

  private writeMember(conversationId: string, p: Participant): void {
    this.stmt(sql.upsertMember).run(
      conversationId,
      p.id,
      p.name,
      p.role,
      p.badge ?? null,
      p.away ? 1 : 0,
      p.account ?? null,
    );
  }

  replaceMembers(conversationId: string, members: Participant[]): void {
    this.transaction(() => {
      this.stmt(sql.deleteMembers).run(conversationId);
      for (const p of members) this.writeMember(conversationId, p);
    });
  }

  upsertMember(conversationId: string, member: Participant): void {
    this.writeMember(conversationId, member);
  }

  removeMember(conversationId: string, memberId: string): void {
    this.stmt(sql.removeMember).run(conversationId, memberId);
  }

  renameMember(accountId: string, from: string, to: string): string[] {
    return this.atomic(() => {
      const ids = (this.stmt(sql.memberConversations).all(from, accountId) as Array<{ id: string }>).map((r) => r.id);
      if (ids.length > 0 && from !== to) this.stmt(sql.renameMember).run({ from, to, account: accountId });
      return ids;
    });
  }

  setMemberAway(accountId: string, memberId: string, away: boolean): string[] {
    return this.atomic(() => {
      const ids = (this.stmt(sql.memberConversations).all(memberId, accountId) as Array<{ id: string }>).map((r) => r.id);
      if (ids.length > 0) this.stmt(sql.setMemberAway).run({ member: memberId, away: away ? 1 : 0, account: accountId });
      return ids;
    });
  }

  listMembers(conversationId: string): Participant[] {
    return (this.stmt(sql.listMembers).all(conversationId) as unknown as MemberRow[]).map(memberFromRow);
  }

  // ── search ───────────────────────────────────────────────────────────────────────────────────────────────────────

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const sender = options.sender === undefined || options.sender === '' ? undefined : options.sender;
    const match = ftsMatchExpression(query, {
      ...(options.conversationId !== undefined ? { conversationId: options.conversationId } : {}),
      ...(sender !== undefined ? { sender } : {}),
    });
    if (match === undefined) return [];
    const limit = Math.max(0, Math.floor(options.limit ?? 50));
    if (limit === 0) return [];
    const seqs = this.stmt(sql.searchSeqs).all({
      match,
      account: options.accountId ?? null,
      conversation: options.conversationId ?? null,
      sender: sender === undefined ? null : fold(sender),
      window: Math.max(SEARCH_WINDOW, limit * 4),
      limit,
    }) as Array<{ seq: number }>;
    if (seqs.length === 0) return [];
    const list = seqs.map((r) => r.seq);
    const json = JSON.stringify(list);
    const snippets = new Map<number, string>();
    const snippetRows = this.stmt(sql.searchSnippets).all({
      match,
      lo: Math.min(...list),
      hi: Math.max(...list),
      seqs: json,
    }) as Array<{ seq: number; snippet: string }>;
    for (const r of snippetRows) snippets.set(r.seq, r.snippet);
    const rows = this.stmt(sql.searchRows).all(json) as unknown as Array<MessageRow & { conversation_title: string }>;
    const bySeq = new Map<number, MessageRow & { conversation_title: string }>();
    for (const r of rows) bySeq.set(r.seq, r);
    const ordered = list.map((seq) => bySeq.get(seq)).filter((r) => r !== undefined);
    const messages = this.withReactionsMany(ordered);
    const hits: SearchHit[] = [];
    ordered.forEach((row, i) => {
      const message = messages[i] as Message;
      hits.push({ message, conversationTitle: row.conversation_title, snippet: snippets.get(row.seq) ?? row.body });
    });
    return hits;
  }

  // ── kv ───────────────────────────────────────────────────────────────────────────────────────────────────────────

  kv(accountId: string): KeyValue {
    const get = (key: string): string | undefined =>
      (this.stmt(sql.kvGet).get(accountId, key) as { value: string } | undefined)?.value;
    const set = (key: string, value: string): void => {
      this.stmt(sql.kvSet).run(accountId, key, value);
    };
    const del = (key: string): void => {
      this.stmt(sql.kvDelete).run(accountId, key);
    };
    return {
      get,
      set,
      delete: del,
      batch: (writes) =>
        this.transaction(() => {
          for (const w of writes) {
            if (w.value === undefined) del(w.key);
            else set(w.key, w.value);
          }
        }),
    };
  }

  // ── transactions ─────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Depth 0 opens `BEGIN IMMEDIATE` (takes the write lock up front, so no deadlock-prone lock upgrade later) and
   * commits when fn returns, or rolls back when it throws. Nested calls join the outer transaction inside a SAVEPOINT:
   * a nested throw undoes only the nested part (then rethrows), so an outer caller that catches it keeps a consistent
   * state. Nothing is committed before the outermost call returns.
   */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) {
      const name = `sp${++this.savepoints}`;
      this.db.exec(`SAVEPOINT ${name}`);
      this.depth++;
      try {
        const result = fn();
        this.db.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        this.db.exec(`ROLLBACK TO ${name}`);
        this.db.exec(`RELEASE ${name}`);
        throw error;
      } finally {
        this.depth--;
      }
    }
    this.db.exec('BEGIN IMMEDIATE');
    this.depth = 1;
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.depth = 0;
      this.savepoints = 0;
    }
  }

  /**
   * For the store's own multi-statement operations on hot paths: inside a caller's transaction it just runs (no
   * savepoint per message during batched ingest); alone it gets its own transaction.
   */
  private atomic<T>(fn: () => T): T {
    return this.depth > 0 ? fn() : this.transaction(fn);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    try {
      if (!this.readOnly) this.db.exec('PRAGMA optimize');
    } catch {
      // optimize is advisory
    }
    this.db.close();
    this.onClose();
  }
}
