/**
 * The headless engine: routes actions to adapters and adapter events to the store, then tells the UI what changed.
 * It implements the serializable EngineApi, so a UI in another process can drive it later (detach/attach).
 */
import { setImmediate as defer } from 'node:timers';
import type { Action, ActionResult } from '../actions.js';
import type { AdapterContext, AdapterEvent } from '../contract.js';
import type { ChangeSet, EngineApi, InboxEntry, InboxOptions, StatusMessage } from '../engine-api.js';
import { userMessageOf } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Account, Conversation, Message, PageCursor, Participant, SearchHit } from '../model.js';
import type { Store } from '../../store/types.js';
import type { AccountRuntime, EngineHost } from './account-runtime.js';
import { ChangeBatcher } from './change-batcher.js';
import { runAction } from './dispatch.js';
import { applyEvent, type IngestDeps } from './ingest.js';
import { Outbox } from './outbox.js';
import { TypingTracker } from './typing-tracker.js';

export interface EngineOptions {
  store: Store;
  accounts: AccountRuntime[];
  log: Logger;
  host?: EngineHost;
  now?: () => number;
  /** How long change notifications are gathered before the UI hears of them. */
  batchMs?: number;
  /** `[notifications] keywords`: incoming messages containing one count as mentions (highlight, mention count). */
  keywords?: readonly string[];
}

export class Engine implements EngineApi {
  readonly store: Store;
  readonly log: Logger;
  readonly host: EngineHost;
  readonly now: () => number;
  readonly changes: ChangeBatcher;
  readonly typingTracker: TypingTracker;
  readonly outbox: Outbox;
  private readonly runtimes = new Map<string, AccountRuntime>();
  private readonly selves = new Map<string, string>();
  private readonly states = new Map<string, Account['state']>();
  private readonly queue: Array<{ accountId: string; event: AdapterEvent }> = [];
  private queued = false;
  private readonly onlineWaiters = new Set<string>();
  private statusMessage: StatusMessage | undefined;
  /** The ingest path; history pages fetched by actions go through it too. */
  readonly ingestDeps: IngestDeps;
  private stopped = false;
  private prepared = false;
  /** Upload progress of own pending messages by local id (from `transfer` events); shown on their rows. */
  private readonly transfers = new Map<string, { sent: number; total: number; conversationId: string }>();
  /** Whether the user is active (input, focus); adapters hear of changes through setActive. */
  private active = true;

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.log = options.log;
    this.host = options.host ?? {};
    this.now = options.now ?? Date.now;
    this.changes = new ChangeBatcher(options.batchMs ?? 16);
    this.typingTracker = new TypingTracker(this.now);
    for (const a of options.accounts) this.runtimes.set(a.id, a);
    this.outbox = new Outbox({
      store: this.store,
      changes: this.changes,
      log: this.log.child('outbox'),
      adapter: (id) => this.runtimes.get(id)?.adapter,
      isOnline: (id) => this.states.get(id) === 'online',
      selfName: (id) => this.selves.get(id),
      settled: (localId) => {
        const t = this.transfers.get(localId);
        if (t && this.transfers.delete(localId)) this.changes.timeline(t.conversationId);
      },
    });
    this.ingestDeps = {
      store: this.store,
      changes: this.changes,
      typing: this.typingTracker,
      log: this.log.child('ingest'),
      now: this.now,
      normalize: (id, address) => this.normalize(id, address),
      selfName: (id) => this.selves.get(id),
      setSelf: (id, self) => (self ? this.selves.set(id, self) : this.selves.delete(id)),
      onOnline: (id) => this.onlineWaiters.add(id),
      onNotice: (level, text) => this.setStatus(level, text),
      onTransfer: (accountId, localId, sent, total) => this.onTransfer(accountId, localId, sent, total),
      conversationIds: new Map(),
      closed: new Set(),
      keywords: options.keywords,
    };
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** Registers every account in the store, recovers the outbox, and starts the enabled adapters. */
  async start(): Promise<void> {
    this.prepare();
    await this.connectAll();
  }

  /** Registers every account in the store (state offline until it connects) and recovers the outbox. */
  prepare(): void {
    if (this.prepared) return;
    this.prepared = true;
    for (const rt of this.runtimes.values()) {
      this.store.upsertAccount({ id: rt.id, protocol: rt.protocol });
      const self = this.store.listAccounts().find((a) => a.id === rt.id)?.self;
      if (self) this.selves.set(rt.id, self);
      this.outbox.recover(rt.id);
      this.store.setAccountState(rt.id, { state: 'offline', detail: rt.unavailable ?? (rt.enabled ? undefined : 'disabled in the config'), self });
    }
    this.changes.accounts();
  }

  /** Starts the adapters of every enabled account. Resolves once they are started, not once they are online. */
  async connectAll(): Promise<void> {
    this.prepare();
    await Promise.all([...this.runtimes.values()].filter((rt) => rt.enabled).map((rt) => this.connect(rt.id)));
  }

  /** Stops every adapter (QUIT with the reason) and delivers the last notifications. */
  async stop(reason = 'natter quit'): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.allSettled([...this.runtimes.keys()].map((id) => this.disconnect(id, reason)));
    this.drain();
    this.changes.flush();
  }

  addAccount(rt: AccountRuntime): void {
    this.runtimes.set(rt.id, rt);
    this.store.upsertAccount({ id: rt.id, protocol: rt.protocol });
    this.changes.accounts();
  }

  runtime(accountId: string): AccountRuntime | undefined {
    return this.runtimes.get(accountId);
  }

  accountIds(): string[] {
    return [...this.runtimes.keys()];
  }

  /** Starts (or restarts) the account's adapter. Resolves once it is started, not once it is online. */
  async connect(accountId: string): Promise<void> {
    const rt = this.runtimes.get(accountId);
    if (!rt) throw new Error(`no account named "${accountId}"`);
    if (!rt.factory) {
      this.store.setAccountState(accountId, { state: 'error', detail: rt.unavailable ?? `${rt.protocol} is not supported yet`, self: this.selves.get(accountId) });
      this.changes.accounts();
      return;
    }
    if (rt.adapter) await this.disconnect(accountId, 'reconnecting');
    const adapter = await rt.factory();
    rt.adapter = adapter;
    const ctx: AdapterContext = {
      accountId,
      config: rt.config,
      emit: (event) => {
        if (rt.adapter === adapter) this.enqueue(accountId, event);
      },
      kv: this.store.kv(accountId),
      log: this.log.child(accountId),
      now: this.now,
      secret: (name) => rt.secret(name),
    };
    try {
      await adapter.start(ctx);
    } catch (error) {
      this.enqueue(accountId, { type: 'connection', state: 'error', detail: userMessageOf(error) });
    }
  }

  async disconnect(accountId: string, reason?: string): Promise<void> {
    const rt = this.runtimes.get(accountId);
    const adapter = rt?.adapter;
    if (!rt || !adapter) return;
    rt.adapter = undefined;
    try {
      await adapter.stop(reason);
    } catch (error) {
      this.log.warn('adapter stop failed', error);
    }
    this.states.set(accountId, 'offline');
    this.store.setAccountState(accountId, { state: 'offline', detail: 'disconnected', self: this.selves.get(accountId) });
    this.changes.accounts();
  }

  // ── events ─────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Adapter events are applied in order, in batches of one transaction each (ingest throughput). */
  private enqueue(accountId: string, event: AdapterEvent): void {
    if (event.type === 'connection') this.states.set(accountId, event.state);
    this.queue.push({ accountId, event });
    if (!this.queued) {
      this.queued = true;
      defer(() => this.drain());
    }
  }

  /** Applies every queued event now. */
  drain(): void {
    this.queued = false;
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.queue.length);
    this.store.transaction(() => {
      for (const { accountId, event } of batch) {
        try {
          applyEvent(this.ingestDeps, accountId, event);
        } catch (error) {
          this.log.error(`dropped a ${event.type} event that could not be applied`, error);
        }
      }
    });
    for (const id of this.onlineWaiters) {
      void this.outbox.flush(id);
      // A fresh connection starts out active; tell it if the user is idle.
      if (!this.active) this.tellActive(id, false);
    }
    this.onlineWaiters.clear();
  }

  private onTransfer(accountId: string, localId: string, sent: number, total: number): void {
    const m = this.store.getMessage(localId);
    if (!m || m.accountId !== accountId || m.direction !== 'out') return;
    if (m.delivery !== 'pending') {
      this.transfers.delete(localId);
      return;
    }
    const clean = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0);
    this.transfers.set(localId, { sent: clean(sent), total: clean(total), conversationId: m.conversationId });
    this.changes.timeline(m.conversationId);
  }

  /** Upload progress of the own pending messages in a conversation, by local id (for the daemon's attached UIs). */
  transfersIn(conversationId: string): Record<string, { sent: number; total: number }> {
    const out: Record<string, { sent: number; total: number }> = {};
    for (const [id, t] of this.transfers) if (t.conversationId === conversationId) out[id] = { sent: t.sent, total: t.total };
    return out;
  }

  /** The user became active or idle: every online adapter that cares is told once per change. */
  setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    for (const id of this.runtimes.keys()) if (this.isOnline(id)) this.tellActive(id, active);
  }

  isActive(): boolean {
    return this.active;
  }

  private tellActive(accountId: string, active: boolean): void {
    const adapter = this.runtimes.get(accountId)?.adapter;
    adapter?.setActive?.(active).catch((error: unknown) => this.log.warn('setActive failed', error));
  }

  setStatus(level: StatusMessage['level'], text: string): void {
    this.statusMessage = { level, text, at: this.now() };
    this.changes.status();
  }

  normalize(accountId: string, address: string): string {
    return this.runtimes.get(accountId)?.adapter?.normalize(address) ?? address.toLowerCase();
  }

  isOnline(accountId: string): boolean {
    return this.states.get(accountId) === 'online';
  }

  selfOf(accountId: string): string | undefined {
    return this.selves.get(accountId);
  }

  // ── EngineApi ──────────────────────────────────────────────────────────────────────────────────────────────────

  accounts(): Account[] {
    return this.store.listAccounts();
  }
  conversations(): Conversation[] {
    return this.store.listConversations();
  }
  conversation(id: string): Conversation | undefined {
    return this.store.getConversation(id);
  }
  messages(conversationId: string, options: { before?: PageCursor; after?: PageCursor; limit: number }): Message[] {
    const page = this.store.messages(conversationId, options);
    for (const m of page) {
      if (m.replyTo !== undefined) {
        // The quoted line above a reply: found by remote id or alt id (indexed), or absent when not stored here.
        const target = this.store.findByAnyId(conversationId, m.replyTo);
        if (target) {
          m.replyPreview = { senderName: target.senderName, body: target.body };
          if (target.retracted) m.replyPreview.retracted = true;
        }
      }
      const t = this.transfers.get(m.id);
      if (t) m.transfer = { sent: t.sent, total: t.total };
    }
    return page;
  }
  members(conversationId: string): Participant[] {
    return this.store.listMembers(conversationId);
  }
  typing(conversationId: string): string[] {
    return this.typingTracker.names(conversationId);
  }
  status(): StatusMessage | undefined {
    return this.statusMessage;
  }
  selfName(conversationId: string): string | undefined {
    const c = this.store.getConversation(conversationId);
    return c ? this.selves.get(c.accountId) : undefined;
  }
  search(query: string, filters?: { conversationId?: string; sender?: string; accountId?: string }): SearchHit[] {
    return this.store.search(query, filters);
  }
  inbox(options?: InboxOptions): InboxEntry[] {
    return this.store.inbox(options);
  }
  async dispatch(action: Action): Promise<ActionResult> {
    try {
      return await runAction(this, action);
    } catch (error) {
      this.log.warn(`action ${action.type} failed`, error);
      return { ok: false, error: userMessageOf(error) };
    }
  }
  subscribe(listener: (changes: ChangeSet) => void): () => void {
    return this.changes.subscribe(listener);
  }
}
