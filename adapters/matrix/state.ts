/**
 * The state one Matrix account's adapter shares between its parts (login, connection lifecycle, timeline, sending,
 * history, commands), and the helpers they all use: emitting events and persisting the sync and crypto state.
 * Each part is a module of functions taking this state explicitly; adapter.ts owns one instance per adapter.
 */
import type { MatrixClient } from 'matrix-js-sdk';
import type { AdapterContext, AdapterEvent } from '../../src/core/contract.js';
import { ReconnectBackoff } from '../../src/core/backoff.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import type { ConnectionState } from '../../src/core/model.js';
import type { StoredSession } from './credentials.js';
import type { CryptoStorePersistence } from './crypto-store.js';
import { RecentEvents, type Session } from './events/types.js';
import type { MatrixOptions } from './options.js';
import type { KvSyncStore } from './sync-store.js';
import type { ActiveVerification } from './verification.js';

/** kv key of the last event id handled per room (JSON object), for catch-up after a gap (catch-up.ts). */
export const KV_LAST_EVENTS = 'last-events';
/**
 * kv key of the event ids reported as undecryptable placeholders (JSON array, newest last, at most
 * {@link MAX_UNDECRYPTABLE}): when one of them decrypts later — live, replayed from the saved sync after a restart,
 * or in a history page — it is reported as the late decryption of its placeholder, not as a new message (which the
 * engine's dedup would drop, leaving the placeholder forever).
 */
export const KV_UNDECRYPTABLE = 'undecryptable';
export const MAX_UNDECRYPTABLE = 5000;

export class MatrixState {
  ctx?: AdapterContext;
  opts?: MatrixOptions;
  log: Logger = silentLogger;
  password?: string;
  homeserver?: string;
  /** The fetch with the account's TLS trust rules (http-transport.ts). */
  fetch?: typeof fetch;
  auth?: StoredSession;
  client?: MatrixClient;
  syncStore?: KvSyncStore;
  crypto?: CryptoStorePersistence;
  session?: Session;
  stopping = false;
  /** Set by start(); a new client is made per connect. */
  readonly backoff = new ReconnectBackoff();
  retryTimer?: ReturnType<typeof setTimeout>;
  /** Events replayed from the saved sync, or from an initial sync: history, never notifying. */
  replaying = false;
  readonly recent = new RecentEvents();
  readonly typing = new Map<string, Set<string>>();
  /** The last conversation upsert emitted per room (JSON), so unchanged rooms are not reported again. */
  readonly conversations = new Map<string, string>();
  /** Per-room queue keeping events in timeline order while some wait for decryption. */
  readonly roomQueues = new Map<string, Promise<void>>();
  /** The last event handled per room (persisted with the sync token). */
  lastEvents: Record<string, string> = {};
  /** Our reaction events by `<target>\u0000<key>`, to redact when the reaction is taken back. */
  readonly ownReactions = new Map<string, string>();
  /** The secret storage key the user gave in this run (key-backup.ts); memory only. */
  secretStorageKey?: Uint8Array<ArrayBuffer>;
  /** The device verification in progress (verification.ts). */
  verification?: ActiveVerification;
  private persisting: Promise<void> = Promise.resolve();
  private lastEventsWritten = '';
  /** Event ids shown as undecryptable placeholders (see {@link KV_UNDECRYPTABLE}); insertion order is age. */
  readonly undecryptable = new Set<string>();
  private undecryptableWritten = '';

  get userId(): string {
    return this.opts?.userId ?? '';
  }

  /** Hands an event to the engine; an engine that throws is logged, never breaks the adapter. */
  emit(event: AdapterEvent): void {
    try {
      this.ctx?.emit(event);
    } catch (e) {
      this.log.error('the engine failed to take an event', e);
    }
  }

  emitConnection(state: ConnectionState, detail?: string): void {
    this.emit({ type: 'connection', state, ...(detail ? { detail } : {}), self: this.userId });
  }

  /** Runs `task` after everything queued for `roomId`, so that a room's events are reported in order. */
  enqueue(roomId: string, task: () => Promise<void>): void {
    const prev = this.roomQueues.get(roomId) ?? Promise.resolve();
    const next = prev.then(task).catch((e: unknown) => this.log.error('room task failed', { roomId, error: e instanceof Error ? e.message : String(e) }));
    this.roomQueues.set(roomId, next);
    void next.then(() => {
      if (this.roomQueues.get(roomId) === next) this.roomQueues.delete(roomId);
    });
  }

  /** Resolves when every room queue is empty. */
  async drained(): Promise<void> {
    while (this.roomQueues.size > 0) await Promise.all([...this.roomQueues.values()]);
  }

  /**
   * Writes the sync data, the crypto store and the per-room last events in one kv batch (all or nothing), after
   * the queued room events were handled. Calls are serialized; each one writes only what changed.
   */
  persist(): Promise<void> {
    const run = async () => {
      const kv = this.ctx?.kv;
      if (!kv) return;
      const writes: Array<{ key: string; value: string | undefined }> = [];
      const sync = this.syncStore?.syncWrite();
      if (sync) writes.push(sync);
      const crypto = await this.crypto?.snapshot().catch((e: unknown) => {
        this.log.error('crypto store snapshot failed', e);
        return undefined;
      });
      if (crypto) writes.push(crypto);
      const last = JSON.stringify(this.lastEvents);
      if (last !== this.lastEventsWritten) writes.push({ key: KV_LAST_EVENTS, value: last });
      while (this.undecryptable.size > MAX_UNDECRYPTABLE) this.undecryptable.delete(this.undecryptable.values().next().value!);
      const pending = JSON.stringify([...this.undecryptable]);
      if (pending !== this.undecryptableWritten) writes.push({ key: KV_UNDECRYPTABLE, value: pending });
      if (writes.length === 0) return;
      kv.batch(writes);
      if (sync) this.syncStore?.written(sync.value);
      if (crypto) this.crypto?.written(crypto.value);
      this.lastEventsWritten = last;
      this.undecryptableWritten = pending;
    };
    this.persisting = this.persisting.then(run, run).catch((e: unknown) => this.log.error('persisting the Matrix state failed', e));
    return this.persisting;
  }

  loadLastEvents(): void {
    const raw = this.ctx?.kv.get(KV_LAST_EVENTS);
    try {
      this.lastEvents = raw ? (JSON.parse(raw) as Record<string, string>) : {};
    } catch {
      this.lastEvents = {};
    }
    this.lastEventsWritten = raw ?? '';
    const pending = this.ctx?.kv.get(KV_UNDECRYPTABLE);
    this.undecryptable.clear();
    try {
      for (const id of pending ? (JSON.parse(pending) as unknown[]) : []) if (typeof id === 'string') this.undecryptable.add(id);
    } catch {
      // A broken list only means placeholders from before stay as they are.
    }
    this.undecryptableWritten = pending ?? '';
  }
}
