/**
 * The {@link Store} on node:sqlite. One instance per open database; every statement is prepared once and cached.
 * Not thread-safe in any sense that matters here: node:sqlite is synchronous and the engine owns the instance.
 *
 * A thin facade: the statement cache and transactions live in store-context.ts, the operations by concept in
 * conversation-ops.ts, message-ops.ts, member-ops.ts, search-ops.ts and kv-ops.ts.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { KeyValue } from '../core/contract.js';
import type { InboxEntry, InboxOptions } from '../core/inbox.js';
import type { Account, Conversation, Message, PageCursor, Participant, SearchHit } from '../core/model.js';
import * as conversationOps from './conversation-ops.js';
import * as inboxOps from './inbox-ops.js';
import * as kvOps from './kv-ops.js';
import * as memberOps from './member-ops.js';
import * as messageOps from './message-ops.js';
import { sql } from './queries.js';
import { accountFromRow, type AccountRow } from './rows.js';
import * as searchOps from './search-ops.js';
import { StoreContext } from './store-context.js';
import type {
  ConversationInput,
  InsertResult,
  MessagePatch,
  NewMessage,
  SearchOptions,
  Store,
} from './types.js';

export { fold, registerFunctions } from './sql-helpers.js';
export { SEARCH_WINDOW } from './search-ops.js';

export class SqliteStore implements Store {
  private readonly ctx: StoreContext;
  private closed = false;

  constructor(
    private readonly db: DatabaseSync,
    readonly path: string,
    private readonly readOnly = false,
    private readonly onClose: () => void = () => {},
  ) {
    this.ctx = new StoreContext(db);
  }

  // ── accounts ─────────────────────────────────────────────────────────────────────────────────────────────────────

  upsertAccount(account: { id: string; protocol: Account['protocol'] }): void {
    this.ctx.stmt(sql.upsertAccount).run(account.id, account.protocol);
  }

  setAccountState(id: string, state: Pick<Account, 'state' | 'detail' | 'self'>): void {
    this.ctx.stmt(sql.setAccountState).run(state.state, state.detail ?? null, state.self ?? null, id);
  }

  listAccounts(): Account[] {
    return (this.ctx.stmt(sql.listAccounts).all() as unknown as AccountRow[]).map(accountFromRow);
  }

  // ── conversations ────────────────────────────────────────────────────────────────────────────────────────────────

  upsertConversation(input: ConversationInput, reopen = false): Conversation {
    return conversationOps.upsertConversation(this.ctx, input, reopen);
  }

  getConversation(id: string): Conversation | undefined {
    return conversationOps.getConversation(this.ctx, id);
  }

  findConversation(accountId: string, key: string): Conversation | undefined {
    return conversationOps.findConversation(this.ctx, accountId, key);
  }

  listConversations(options?: { includeClosed?: boolean }): Conversation[] {
    return conversationOps.listConversations(this.ctx, options);
  }

  setConversationClosed(id: string, closed: boolean): void {
    conversationOps.setConversationClosed(this.ctx, id, closed);
  }

  markRead(id: string, seq: number): Conversation | undefined {
    return conversationOps.markRead(this.ctx, id, seq);
  }

  // ── messages ─────────────────────────────────────────────────────────────────────────────────────────────────────

  insertMessage(m: NewMessage): InsertResult {
    return messageOps.insertMessage(this.ctx, m);
  }

  getMessage(id: string): Message | undefined {
    return messageOps.getMessage(this.ctx, id);
  }

  findByRemoteId(conversationId: string, remoteId: string): Message | undefined {
    return messageOps.findByRemoteId(this.ctx, conversationId, remoteId);
  }

  findByAnyId(conversationId: string, id: string): Message | undefined {
    return messageOps.findByAnyId(this.ctx, conversationId, id);
  }

  addAltIds(messageId: string, conversationId: string, ids: string[]): void {
    messageOps.addAltIds(this.ctx, messageId, conversationId, ids);
  }

  lastMessage(conversationId: string, direction: 'in' | 'out'): Message | undefined {
    return messageOps.lastMessage(this.ctx, conversationId, direction);
  }

  outbox(accountId?: string): Message[] {
    return messageOps.outbox(this.ctx, accountId);
  }

  findUnconfirmedOwn(conversationId: string, body: string, around: number, windowMs: number): Message | undefined {
    return messageOps.findUnconfirmedOwn(this.ctx, conversationId, body, around, windowMs);
  }

  updateMessage(id: string, patch: MessagePatch): Message | undefined {
    return messageOps.updateMessage(this.ctx, id, patch);
  }

  setReaction(messageId: string, senderId: string, key: string, add: boolean): Message | undefined {
    return messageOps.setReaction(this.ctx, messageId, senderId, key, add);
  }

  messages(conversationId: string, options: { before?: PageCursor; after?: PageCursor; limit: number }): Message[] {
    return messageOps.messages(this.ctx, conversationId, options);
  }

  countMessages(conversationId: string): number {
    return messageOps.countMessages(this.ctx, conversationId);
  }

  /** The oldest message that has a remote id (what a history request pages from); else the oldest message at all. */
  oldestMessage(conversationId: string): Message | undefined {
    return messageOps.oldestMessage(this.ctx, conversationId);
  }

  // ── members ──────────────────────────────────────────────────────────────────────────────────────────────────────

  replaceMembers(conversationId: string, members: Participant[]): void {
    memberOps.replaceMembers(this.ctx, conversationId, members);
  }

  upsertMember(conversationId: string, member: Participant): void {
    memberOps.upsertMember(this.ctx, conversationId, member);
  }

  removeMember(conversationId: string, memberId: string): void {
    memberOps.removeMember(this.ctx, conversationId, memberId);
  }

  renameMember(accountId: string, from: string, to: string): string[] {
    return memberOps.renameMember(this.ctx, accountId, from, to);
  }

  setMemberAway(accountId: string, memberId: string, away: boolean): string[] {
    return memberOps.setMemberAway(this.ctx, accountId, memberId, away);
  }

  listMembers(conversationId: string): Participant[] {
    return memberOps.listMembers(this.ctx, conversationId);
  }

  // ── search ───────────────────────────────────────────────────────────────────────────────────────────────────────

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    return searchOps.search(this.ctx, query, options);
  }

  inbox(options: InboxOptions = {}): InboxEntry[] {
    return inboxOps.inbox(this.ctx, options);
  }

  // ── kv ───────────────────────────────────────────────────────────────────────────────────────────────────────────

  kv(accountId: string): KeyValue {
    return kvOps.kv(this.ctx, accountId);
  }

  // ── transactions ─────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Depth 0 opens `BEGIN IMMEDIATE` and commits when fn returns (rolls back when it throws); nested calls join the
   * outer transaction inside a SAVEPOINT. See {@link StoreContext.transaction}.
   */
  transaction<T>(fn: () => T): T {
    return this.ctx.transaction(fn);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.clearStatements();
    try {
      if (!this.readOnly) this.db.exec('PRAGMA optimize');
    } catch {
      // optimize is advisory
    }
    this.db.close();
    this.onClose();
  }
}
