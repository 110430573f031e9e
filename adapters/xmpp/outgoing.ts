/**
 * Sends waiting for the server's word, keyed by the message id (= origin-id, XEP-0359 = the engine's local id).
 *
 * - One-to-one: confirmed by the stream management ack (XEP-0198) that covers the stanza, or right after the write
 *   when the stream has no stream management.
 * - Group chat: confirmed by the room's reflection of the message (XEP-0045 §7.4), which carries the room's
 *   stanza-id and time.
 * An error bounce with the same id rejects; a lost connection makes every open send uncertain.
 */
import { SendRejected, SendUncertain, type SendResult } from '../../src/core/contract.js';

/** A room that never reflects the message (or a server that never acks it) leaves the outcome unknown after this long. */
export const REFLECTION_TIMEOUT_MS = 30_000;

interface Pending {
  resolve(r: SendResult): void;
  reject(e: Error): void;
  timer?: ReturnType<typeof setTimeout>;
  /** The room a group message went to (its reflection must come from there). */
  room?: string;
}

export class OutgoingTracker {
  private readonly pending = new Map<string, Pending>();

  /** Registers a send before it goes on the wire; the promise settles on ack, reflection, error or loss. */
  track(id: string, room?: string): Promise<SendResult> {
    return new Promise<SendResult>((resolve, reject) => {
      const p: Pending = { resolve, reject, room };
      p.timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SendUncertain(room ? 'the room did not confirm the message' : 'the server did not confirm the message'));
      }, REFLECTION_TIMEOUT_MS);
      this.pending.set(id, p);
    });
  }

  has(id: string | undefined): boolean {
    return id !== undefined && this.pending.has(id);
  }

  /** The room `room` reflected message `id`: resolves the send when it went there. True when it was ours. */
  reflected(id: string | undefined, room: string, remoteId: string | undefined, sentAt: number | undefined): boolean {
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p || p.room !== room) return false;
    this.settle(id!);
    p.resolve({ remoteId: remoteId ?? id, ...(sentAt !== undefined ? { sentAt } : {}), state: 'sent' });
    return true;
  }

  /** The server acked (XEP-0198) or the socket took (no stream management) one-to-one message `id`. */
  accepted(id: string): void {
    const p = this.pending.get(id);
    if (!p || p.room) return;
    this.settle(id);
    // In one-to-one chat the message id is what the peer's receipts, corrections and replies refer to.
    p.resolve({ remoteId: id, state: 'sent' });
  }

  /** An error bounce for `id`: true when it settled a pending send. */
  failed(id: string | undefined, reason: string, retryable: boolean): boolean {
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p) return false;
    this.settle(id!);
    p.reject(new SendRejected(reason, { retryable }));
    return true;
  }

  /** The connection went away: the outcome of every open send is unknown. */
  dropAll(reason: string): void {
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(new SendUncertain(reason));
    }
  }

  /** Stream management lost stanza `id` with the connection (XEP-0198 failure). */
  lost(id: string, reason: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.settle(id);
    p.reject(new SendUncertain(reason));
  }

  private settle(id: string): void {
    const p = this.pending.get(id);
    if (p?.timer) clearTimeout(p.timer);
    this.pending.delete(id);
  }
}
