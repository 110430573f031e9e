/**
 * One subscription to {@link EngineApi.subscribe} shared by every hook of the UI. Each batched {@link ChangeSet} bumps
 * version counters for the keys it touches (accounts, the conversation list, one timeline, one typing set …); hooks read
 * through `useSyncExternalStore` and re-read from the engine only when the version of their own key moved, so a message
 * in one conversation re-reads that timeline and nothing else. One ChangeSet gives one React update for all hooks.
 */
import type { ChangeSet, EngineApi } from '../core/engine-api.js';
import type { Conversation } from '../core/model.js';

export type ViewKey =
  | 'accounts'
  | 'conversations'
  | 'status'
  | `conversation:${string}`
  | `timeline:${string}`
  | `typing:${string}`
  | `members:${string}`;

export class EngineView {
  private readonly versions = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;
  /** Bumped on every ChangeSet; keys that a ChangeSet names as "all" (conversations: true) use it. */
  private epoch = 0;
  /** The epoch of the last ChangeSet that said the whole conversation list changed. */
  private allConversationsEpoch = 0;

  constructor(readonly engine: EngineApi) {}

  /** Starts listening to the engine (idempotent). */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.engine.subscribe((changes) => this.apply(changes));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private bump(key: ViewKey): void {
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
  }

  /** The conversation list as last read; patched row by row when a ChangeSet names rows, re-read when it says all. */
  private conversationRows: Conversation[] | undefined;

  /**
   * The conversation list. A ChangeSet naming single conversations re-reads just those rows (the list object changes,
   * unchanged rows keep their identity so memoized rows skip rendering); `conversations: true` re-reads the list.
   */
  conversations(): Conversation[] {
    this.conversationRows ??= this.engine.conversations();
    return this.conversationRows;
  }

  private patchConversations(ids: readonly string[]): void {
    if (!this.conversationRows) return;
    const rows = [...this.conversationRows];
    for (const id of ids) {
      const row = this.engine.conversation(id);
      const at = rows.findIndex((c) => c.id === id);
      if (row && at >= 0) rows[at] = row;
      else if (row) rows.push(row);
      else if (at >= 0) rows.splice(at, 1);
    }
    this.conversationRows = rows;
  }

  /** Records what changed and notifies every hook once. */
  apply(changes: ChangeSet): void {
    this.epoch++;
    if (changes.conversations === true) this.conversationRows = undefined;
    else if (changes.conversations.length > 0) this.patchConversations(changes.conversations);
    if (changes.accounts) this.bump('accounts');
    if (changes.status) this.bump('status');
    if (changes.conversations === true) {
      this.bump('conversations');
      this.allConversationsEpoch = this.epoch;
    } else if (changes.conversations.length > 0) {
      this.bump('conversations');
      for (const id of changes.conversations) this.bump(`conversation:${id}`);
    }
    for (const id of changes.timelines) this.bump(`timeline:${id}`);
    for (const id of changes.typing) this.bump(`typing:${id}`);
    for (const id of changes.members) this.bump(`members:${id}`);
    for (const l of [...this.listeners]) l();
  }

  /** A number that changes whenever the data behind `key` may have changed. */
  version(key: ViewKey): number {
    const own = this.versions.get(key) ?? 0;
    // A "the whole list changed" notification invalidates every single-conversation key too.
    return key.startsWith('conversation:') ? own * 1_000_003 + this.allConversationsEpoch : own;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
