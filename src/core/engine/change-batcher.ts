/**
 * Collects change notifications and delivers them at most once per frame, so a burst of 200 incoming messages costs
 * the UI one re-read, not 200 renders.
 */
import type { ChangeSet } from '../engine-api.js';

export type ChangeListener = (changes: ChangeSet) => void;

export class ChangeBatcher {
  private listeners = new Set<ChangeListener>();
  private pending: ChangeSet | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 16) {}

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private get set(): ChangeSet {
    if (!this.pending) {
      this.pending = { accounts: false, conversations: [], timelines: [], members: [], typing: [], status: false };
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref?.();
    }
    return this.pending;
  }

  accounts(): void {
    this.set.accounts = true;
  }
  conversationList(): void {
    this.set.conversations = true;
  }
  conversation(id: string): void {
    const s = this.set;
    if (s.conversations !== true && !s.conversations.includes(id)) s.conversations.push(id);
  }
  timeline(id: string): void {
    const s = this.set;
    if (!s.timelines.includes(id)) s.timelines.push(id);
    this.conversation(id);
  }
  members(id: string): void {
    const s = this.set;
    if (!s.members.includes(id)) s.members.push(id);
  }
  typing(id: string): void {
    const s = this.set;
    if (!s.typing.includes(id)) s.typing.push(id);
  }
  status(): void {
    this.set.status = true;
  }

  /** Delivers what is pending now (also used on shutdown and in tests). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const changes = this.pending;
    this.pending = undefined;
    if (!changes) return;
    for (const l of this.listeners) l(changes);
  }
}
