/**
 * The engine/UI boundary. The UI reads view state and sends actions through this interface only; every argument and
 * return value is plain data so the same interface can later run over a Unix socket (detach/attach).
 */
import type { Action, ActionResult } from './actions.js';
import type { InboxEntry, InboxOptions } from './inbox.js';
import type { Account, Conversation, Message, PageCursor, Participant, SearchHit } from './model.js';

export type { InboxEntry, InboxOptions } from './inbox.js';

/** What changed since the last notification. Notifications are batched (at most one per animation frame). */
export interface ChangeSet {
  accounts: boolean;
  /** Conversations whose row (title, unread, state) changed, or `true` when the list itself changed. */
  conversations: string[] | true;
  /** Conversations that gained, lost or changed messages. */
  timelines: string[];
  members: string[];
  typing: string[];
  status: boolean;
}

export interface StatusMessage {
  level: 'info' | 'warn' | 'error';
  text: string;
  at: number;
}

export interface EngineApi {
  accounts(): Account[];
  conversations(): Conversation[];
  conversation(id: string): Conversation | undefined;
  /** Oldest first; see Store.messages for the cursor semantics. */
  messages(conversationId: string, options: { before?: PageCursor; after?: PageCursor; limit: number }): Message[];
  members(conversationId: string): Participant[];
  /** Display names of people typing in the conversation right now. */
  typing(conversationId: string): string[];
  status(): StatusMessage | undefined;
  /** Own name on the conversation's account (for highlighting and completion). */
  selfName(conversationId: string): string | undefined;
  search(query: string, filters?: { conversationId?: string; sender?: string; accountId?: string }): SearchHit[];
  /**
   * The unified inbox: unread messages (or unread mentions) across all accounts, newest first. Re-read it when a
   * ChangeSet names conversations or timelines (unread counts move with both).
   */
  inbox(options?: InboxOptions): InboxEntry[];
  dispatch(action: Action): Promise<ActionResult>;
  /** Calls the listener with batched changes; returns the unsubscribe function. */
  subscribe(listener: (changes: ChangeSet) => void): () => void;
}
