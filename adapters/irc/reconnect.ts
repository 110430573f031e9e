/**
 * Reconnect pacing: exponential backoff with jitter (src/core/backoff.ts) per failed attempt, reset once a connection
 * has stayed up long enough to count as stable.
 */
import { backoffDelay } from '../../src/core/backoff.js';

/** A connection that stayed up this long resets the backoff. */
const STABLE_MS = 30_000;

export class ReconnectBackoff {
  private attempt = 0;
  private onlineAt?: number;

  /** The connection came online at `now` (the start of the stable period). */
  online(now: number): void {
    this.onlineAt = now;
  }

  /** The connection closed at `now`: the delay before the next attempt. */
  nextDelay(now: number): number {
    if (this.onlineAt !== undefined && now - this.onlineAt >= STABLE_MS) this.attempt = 0;
    this.onlineAt = undefined;
    return backoffDelay(this.attempt++);
  }
}
