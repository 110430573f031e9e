/**
 * One subscription to {@link EngineApi.subscribe} shared by every hook of the UI. Each batched {@link ChangeSet} bumps
 * version counters for the keys it touches (accounts, the conversation list, one timeline, one typing set …); hooks read
 * through `useSyncExternalStore` and re-read from the engine only when the version of their own key moved, so a message
 * in one conversation re-reads that timeline and nothing else. One ChangeSet gives one React update for all hooks.
 *
 * Changes that touch nothing on screen but the sidebar (rows, timelines, typing and members of conversations other than
 * the visible one) are held back and delivered together at most every {@link backgroundDelayMs}: a busy background
 * channel then costs a few frames per second instead of one per engine batch (every 16 ms), which keeps the renderer
 * free for key presses and the visible timeline. Everything about the visible conversation, accounts, the status line
 * and "the whole list changed" is delivered at once, together with whatever background change is waiting.
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

/** How long a change to a conversation that is not on screen may wait before the UI renders it (sidebar counts). */
export const backgroundDelayMs = 200;

interface Held {
  conversations: Set<string>;
  timelines: Set<string>;
  typing: Set<string>;
  members: Set<string>;
}

const nothing = (): ChangeSet => ({ accounts: false, conversations: [], timelines: [], members: [], typing: [], status: false });

const noHeld = (): Held => ({ conversations: new Set(), timelines: new Set(), typing: new Set(), members: new Set() });

export class EngineView {
  private readonly versions = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;
  /** Bumped on every ChangeSet; keys that a ChangeSet names as "all" (conversations: true) use it. */
  private epoch = 0;
  /** The epoch of the last ChangeSet that said the whole conversation list changed. */
  private allConversationsEpoch = 0;

  /** The conversation on screen (its changes are never held back); set by the Screen. */
  private visible: string | undefined;
  private held: Held = noHeld();
  private heldTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly engine: EngineApi,
    private readonly backgroundDelay = backgroundDelayMs,
  ) {}

  /** Names the conversation on screen; held-back changes are delivered now so the newly shown one is current. */
  /** The conversation on screen (as last set by setVisible). */
  visibleConversation(): string | undefined {
    return this.visible;
  }

  setVisible(id: string | undefined): void {
    if (id === this.visible) return;
    this.visible = id;
    if (this.heldTimer) this.deliver(nothing());
  }

  /** Starts listening to the engine (idempotent). */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.engine.subscribe((changes) => this.apply(changes));
  }

  stop(): void {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
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

  /**
   * Takes a ChangeSet from the engine: applies it now when it touches what is on screen (taking along whatever was
   * held back), otherwise holds it until the background timer fires.
   */
  apply(changes: ChangeSet): void {
    const v = this.visible;
    const onScreen = (id: string): boolean => id === v;
    const now =
      changes.accounts ||
      changes.status ||
      changes.conversations === true ||
      changes.conversations.some(onScreen) ||
      changes.timelines.some(onScreen) ||
      changes.typing.some(onScreen) ||
      changes.members.some(onScreen);
    const held = this.held;
    if (changes.conversations !== true) for (const id of changes.conversations) held.conversations.add(id);
    for (const id of changes.timelines) held.timelines.add(id);
    for (const id of changes.typing) held.typing.add(id);
    for (const id of changes.members) held.members.add(id);
    if (!now) {
      if (!this.heldTimer && this.backgroundDelay > 0) {
        this.heldTimer = setTimeout(() => this.deliver(nothing()), this.backgroundDelay);
        this.heldTimer.unref?.();
        return;
      }
      if (this.heldTimer) return;
    }
    this.deliver(changes);
  }

  /** Applies the flags of `changes` and every id held back (which includes the ids of `changes`); notifies hooks once. */
  private deliver(changes: ChangeSet): void {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    const held = this.held;
    this.held = noHeld();
    changes = {
      accounts: changes.accounts,
      status: changes.status,
      conversations: changes.conversations === true ? true : [...held.conversations],
      timelines: [...held.timelines],
      typing: [...held.typing],
      members: [...held.members],
    };
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
