/**
 * The persistent outbox. An own message is stored `pending` before anything goes on the wire; it is handed to the
 * adapter once the account is online, one at a time per account (so order is kept), and settles as `sent` or
 * `failed`. Exactly-once rests on two rules:
 *  - a message is handed to the adapter only by the single flush loop of its account;
 *  - before handing it over, its id is written to the account's `outbox.inflight` record; if natter stops while the
 *    server's answer is outstanding, the next start marks it failed as uncertain instead of sending it again
 *    (at most once), and a later echo or history replay of it still confirms it (see ingest.ts).
 */
import { fileURLToPath } from 'node:url';
import { SendRejected, SendUncertain } from '../contract.js';
import type { Adapter, KeyValue, OutgoingAttachment, OutgoingMessage } from '../contract.js';
import type { Logger } from '../logger.js';
import type { Message } from '../model.js';
import type { Store } from '../../store/types.js';
import type { ChangeBatcher } from './change-batcher.js';
import { dedupKey } from './dedup-key.js';

const INFLIGHT = 'outbox.inflight';
export const UNCERTAIN =
  'not confirmed: the connection dropped before the server answered; not resent automatically to avoid a duplicate';

function inflight(kv: KeyValue): string[] {
  try {
    const v = JSON.parse(kv.get(INFLIGHT) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export interface OutboxDeps {
  store: Store;
  changes: ChangeBatcher;
  log: Logger;
  adapter(accountId: string): Adapter | undefined;
  isOnline(accountId: string): boolean;
  selfName(accountId: string): string | undefined;
  /** Called when a send settled either way (the engine forgets its upload progress). */
  settled?(localId: string): void;
}

/** The local file of an own pending upload (persisted as a `file:` attachment), as the adapter takes it. */
export function outgoingAttachment(m: Message): OutgoingAttachment | undefined {
  const a = m.attachments?.find((x) => x.url.startsWith('file:'));
  if (!a) return undefined;
  const path = fileURLToPath(a.url);
  return { path, name: a.name ?? path.split('/').pop() ?? 'file', size: a.size ?? 0, mime: a.mime ?? 'application/octet-stream' };
}

export class Outbox {
  private running = new Set<string>();
  private again = new Set<string>();

  constructor(private readonly deps: OutboxDeps) {}

  /** At start-up: messages that were on the wire when natter stopped are marked uncertain, never resent blindly. */
  recover(accountId: string): void {
    const kv = this.deps.store.kv(accountId);
    for (const id of inflight(kv)) {
      const m = this.deps.store.getMessage(id);
      if (m && m.delivery === 'pending') {
        this.deps.store.updateMessage(id, { delivery: 'failed', failure: UNCERTAIN });
        this.deps.changes.timeline(m.conversationId);
      }
    }
    kv.delete(INFLIGHT);
  }

  /** True while the message is handed to the adapter and its answer is outstanding (it must not change then). */
  inFlight(m: Message): boolean {
    return inflight(this.deps.store.kv(m.accountId)).includes(m.id);
  }

  /** Sends what is pending for the account, if it is online. Safe to call at any time, from anywhere. */
  flush(accountId: string): Promise<void> {
    if (this.running.has(accountId)) {
      this.again.add(accountId);
      return Promise.resolve();
    }
    this.running.add(accountId);
    return this.loop(accountId).finally(() => {
      this.running.delete(accountId);
      if (this.again.delete(accountId)) void this.flush(accountId);
    });
  }

  private async loop(accountId: string): Promise<void> {
    const { store } = this.deps;
    const kv = store.kv(accountId);
    for (;;) {
      const adapter = this.deps.adapter(accountId);
      if (!adapter || !this.deps.isOnline(accountId)) return;
      const next = store.outbox(accountId)[0];
      if (!next) return;
      const outcome = await this.sendOne(adapter, kv, next);
      if (outcome === 'stop') return;
    }
  }

  private async sendOne(adapter: Adapter, kv: KeyValue, m: Message): Promise<'next' | 'stop'> {
    const { store, changes, log } = this.deps;
    const conv = store.getConversation(m.conversationId);
    if (!conv) {
      store.updateMessage(m.id, { delivery: 'failed', failure: 'the conversation no longer exists' });
      return 'next';
    }
    kv.set(INFLIGHT, JSON.stringify([...inflight(kv).filter((x) => x !== m.id), m.id]));
    const done = () => kv.set(INFLIGHT, JSON.stringify(inflight(kv).filter((x) => x !== m.id)));
    const outgoing: OutgoingMessage = {
      localId: m.id,
      conversation: { remoteId: conv.remoteId, kind: conv.kind },
      kind: m.kind === 'action' ? 'action' : m.kind === 'notice' ? 'notice' : 'text',
      body: m.body,
    };
    if (m.replyTo !== undefined) outgoing.replyTo = m.replyTo;
    const attachment = outgoingAttachment(m);
    if (attachment) outgoing.attachment = attachment;
    try {
      const result = await adapter.send(outgoing);
      this.deps.settled?.(m.id);
      const self = this.deps.selfName(m.accountId) ?? m.senderId;
      store.transaction(() => {
        // A receipt may have arrived before the send settled: delivery only moves forward.
        const now = store.getMessage(m.id)?.delivery;
        const order = ['pending', 'sent', 'delivered', 'read'];
        const state = now && order.indexOf(now) > order.indexOf(result.state) ? now : result.state;
        store.updateMessage(m.id, {
          delivery: state,
          remoteId: result.remoteId,
          sentAt: result.sentAt,
          dedupKey: result.sentAt !== undefined ? dedupKey(self, result.sentAt, m.body) : undefined,
          failure: null,
          // Every own message shows how it was protected (OMEMO version, Megolm, OpenPGP), as received ones do.
          ...(result.encryption ? { encryption: result.encryption } : {}),
        });
        done();
      });
      changes.timeline(m.conversationId);
      return 'next';
    } catch (error) {
      this.deps.settled?.(m.id);
      if (error instanceof SendRejected && error.retryable) {
        done();
        log.info('send deferred', { id: m.id, reason: error.reason });
        return 'stop';
      }
      const reason =
        error instanceof SendUncertain ? UNCERTAIN : error instanceof SendRejected ? error.reason : `send failed: ${String(error)}`;
      log.warn('send failed', { id: m.id, reason });
      store.transaction(() => {
        store.updateMessage(m.id, { delivery: 'failed', failure: reason });
        done();
      });
      changes.timeline(m.conversationId);
      return error instanceof SendUncertain ? 'stop' : 'next';
    }
  }
}
