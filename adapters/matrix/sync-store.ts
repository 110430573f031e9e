/**
 * The SDK's sync store, made durable through the account's kv: a MemoryStore for the live objects plus the SDK's
 * SyncAccumulator (what its IndexedDB store keeps), saved as JSON after every processed /sync. On the next start the
 * SDK replays the saved state (rooms, their state and last events, account data such as m.direct) and continues
 * with an incremental /sync from the saved `next_batch`, so time offline is caught up instead of starting over.
 *
 * `save()` runs once per sync, after the SDK processed it and the crypto module saw its to-device messages; the
 * `persist` callback writes the sync data together with the crypto store (crypto-store.ts) in one kv batch.
 */
import { MemoryStore, SyncAccumulator, type ISyncResponse } from 'matrix-js-sdk';
import type { ISavedSync } from 'matrix-js-sdk/lib/store/index.js';
import type { KeyValue } from '../../src/core/contract.js';

export const KV_SYNC = 'sync';

export class KvSyncStore extends MemoryStore {
  private readonly acc: SyncAccumulator;
  private lastWritten?: string;

  constructor(
    kv: KeyValue,
    maxTimelineEntries: number,
    private readonly persist: () => Promise<void>,
  ) {
    super();
    this.acc = new SyncAccumulator({ maxTimelineEntries });
    const raw = kv.get(KV_SYNC);
    if (raw) {
      try {
        const saved = JSON.parse(raw) as ISavedSync;
        this.acc.accumulate({ next_batch: saved.nextBatch, rooms: saved.roomsData, account_data: { events: saved.accountData } } as ISyncResponse, true);
        this.lastWritten = raw;
      } catch {
        // A broken saved sync means a fresh initial sync: nothing is lost but time.
      }
    }
  }

  /** The `next_batch` token the next /sync continues from, if a sync was saved. */
  get savedToken(): string | undefined {
    return this.acc.getNextBatchToken() || undefined;
  }

  override async getSavedSync(): Promise<ISavedSync | null> {
    const data = this.acc.getJSON();
    return data.nextBatch ? { nextBatch: data.nextBatch, roomsData: data.roomsData, accountData: data.accountData } : null;
  }

  override async getSavedSyncToken(): Promise<string | null> {
    return this.acc.getNextBatchToken() || null;
  }

  override async setSyncData(data: ISyncResponse): Promise<void> {
    this.acc.accumulate(data);
  }

  override wantsSave(): boolean {
    return true;
  }

  override async save(): Promise<void> {
    await this.persist();
  }

  /** The kv write of the accumulated sync, or undefined when it equals what was last written. */
  syncWrite(): { key: string; value: string } | undefined {
    const data = this.acc.getJSON(true);
    if (!data.nextBatch) return undefined;
    const value = JSON.stringify(data);
    return value === this.lastWritten ? undefined : { key: KV_SYNC, value };
  }

  written(value: string): void {
    this.lastWritten = value;
  }

  override async deleteAllData(): Promise<void> {
    await super.deleteAllData();
  }
}
