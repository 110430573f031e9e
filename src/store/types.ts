/**
 * What the store offers the engine. The store is the single source of truth: the engine writes what adapters report,
 * the UI re-reads rows through the engine's queries. Every method is synchronous (node:sqlite is synchronous and fast
 * for these indexed, paged queries) and returns plain data.
 */
import type { KeyValue } from '../core/contract.js';
import type { InboxEntry, InboxOptions } from '../core/inbox.js';
import type {
  Account,
  Attachment,
  Conversation,
  ConversationKind,
  DeliveryState,
  EncryptionInfo,
  Message,
  MessageKind,
  PageCursor,
  Participant,
  Protocol,
  SearchHit,
  Span,
} from '../core/model.js';

export interface ConversationInput {
  accountId: string;
  remoteId: string;
  /** The case-folded remote id (per protocol rules) that identifies the conversation within the account. */
  key: string;
  kind: ConversationKind;
  title?: string;
  topic?: string;
  joined?: boolean;
  encrypted?: boolean;
  /** Who invited the account (an unanswered invitation); `null` clears it, undefined leaves it. */
  invitedBy?: string | null;
  parentId?: string;
  ext?: Record<string, unknown>;
}

export interface NewMessage {
  id: string;
  accountId: string;
  conversationId: string;
  remoteId?: string;
  /** Fallback dedup key for protocols without ids: hash of sender, server time and text. */
  dedupKey?: string;
  senderId: string;
  senderName: string;
  direction: 'in' | 'out';
  kind: MessageKind;
  body: string;
  spans?: Span[];
  sentAt: number;
  receivedAt: number;
  replyTo?: string;
  /** Other ids peers may use for this message (stored in an indexed lookup table, see findByAnyId). */
  altIds?: string[];
  threadId?: string;
  /** Incoming files, or the local file of an own pending upload (`file:` url) so it survives a restart. */
  attachments?: Attachment[];
  delivery?: DeliveryState;
  encryption: EncryptionInfo;
  mentionsMe: boolean;
  /** Counts towards the conversation's unread/mention numbers (live messages from others). */
  countsUnread: boolean;
  ext?: Record<string, unknown>;
}

export type InsertResult = { inserted: true; message: Message } | { inserted: false; existing: Message };

export interface MessagePatch {
  remoteId?: string;
  /** How the network shows the sender: an own room message takes the room nick from its reflection. */
  senderName?: string;
  /** Set when the server confirms an own message with its time, so a later replay of it dedups. */
  dedupKey?: string;
  body?: string;
  spans?: Span[] | null;
  sentAt?: number;
  editedAt?: number;
  retracted?: boolean;
  /** Who retracted it (with `retracted: true`). */
  retraction?: { by?: string; moderated?: boolean; reason?: string };
  /** Replaces the attachment list; `null` removes it (a retraction drops the files too). */
  attachments?: Attachment[] | null;
  delivery?: DeliveryState;
  failure?: string | null;
  /** How an own message was protected once it was sent (SendResult.encryption); absent leaves it unchanged. */
  encryption?: EncryptionInfo;
}

export interface SearchOptions {
  accountId?: string;
  conversationId?: string;
  /** Matches the sender id or display name, case-insensitively. */
  sender?: string;
  limit?: number;
}

export interface Store {
  readonly path: string;

  upsertAccount(account: { id: string; protocol: Protocol }): void;
  setAccountState(id: string, state: Pick<Account, 'state' | 'detail' | 'self'>): void;
  listAccounts(): Account[];

  /** Creates or merges a conversation by (accountId, key); reopens it if it was closed and `reopen` is set. */
  upsertConversation(input: ConversationInput, reopen?: boolean): Conversation;
  getConversation(id: string): Conversation | undefined;
  findConversation(accountId: string, key: string): Conversation | undefined;
  /** Sidebar order: by account (config order of first insert), then server buffer, channels/groups, directs, title. */
  listConversations(options?: { includeClosed?: boolean }): Conversation[];
  setConversationClosed(id: string, closed: boolean): void;
  /** Marks everything up to `seq` as read and recomputes the unread and mention counts. */
  markRead(id: string, seq: number): Conversation | undefined;

  /** Inserts unless a message with the same (account, conversation, remoteId) or (conversation, dedupKey) exists. */
  insertMessage(message: NewMessage): InsertResult;
  getMessage(id: string): Message | undefined;
  findByRemoteId(conversationId: string, remoteId: string): Message | undefined;
  /** The message known in the conversation by this remote id or by one of its alt ids (both indexed lookups). */
  findByAnyId(conversationId: string, id: string): Message | undefined;
  /** Records more alt ids for a stored message (ids already taken in the conversation are left alone). */
  addAltIds(messageId: string, conversationId: string, ids: string[]): void;
  /**
   * The newest text/action/notice message of the conversation sent (`out`) or received (`in`) that is not retracted:
   * the default target of /edit and /delete (`out`) and of /reply and /react (`in`).
   */
  lastMessage(conversationId: string, direction: 'in' | 'out'): Message | undefined;
  /** Our own outgoing messages not yet confirmed (pending, in order of creation), across accounts or for one. */
  outbox(accountId?: string): Message[];
  /**
   * An own message still unconfirmed (pending, or failed as uncertain) with this exact body, sent within `windowMs` of
   * `around`: the echo or history replay of it confirms it instead of adding a second copy.
   */
  findUnconfirmedOwn(conversationId: string, body: string, around: number, windowMs: number): Message | undefined;
  updateMessage(id: string, patch: MessagePatch): Message | undefined;
  setReaction(messageId: string, senderId: string, key: string, add: boolean): Message | undefined;

  /** Oldest first. `before`: the page ending just before the cursor; `after`: starting just after; neither: the newest. */
  messages(conversationId: string, options: { before?: PageCursor; after?: PageCursor; limit: number }): Message[];
  countMessages(conversationId: string): number;
  /** The oldest stored remote id, for asking the server for older history. */
  oldestMessage(conversationId: string): Message | undefined;

  replaceMembers(conversationId: string, members: Participant[]): void;
  upsertMember(conversationId: string, member: Participant): void;
  removeMember(conversationId: string, memberId: string): void;
  renameMember(accountId: string, from: string, to: string): string[];
  /** Marks a participant away or back in all of the account's conversations; returns the conversations they are in. */
  setMemberAway(accountId: string, memberId: string, away: boolean): string[];
  listMembers(conversationId: string): Participant[];

  /** Full-text search (FTS5) over all accounts; newest first. */
  search(query: string, options?: SearchOptions): SearchHit[];

  /** Unread messages (or unread mentions) across all accounts, newest first (see sql.inbox for the index used). */
  inbox(options?: InboxOptions): InboxEntry[];

  kv(accountId: string): KeyValue;

  /** Runs fn in one transaction (nested calls join the outer one). The engine batches ingest through this. */
  transaction<T>(fn: () => T): T;

  close(): void;
}
