/**
 * Reconnect pacing: exponential backoff with jitter (src/core/backoff.ts) per failed attempt, reset once a connection
 * has stayed up long enough to count as stable.
 */
import { backoffDelay } from '../../src/core/backoff.js';

const STABLE_MS = 30_000;

export class ReconnectBackoff {
  private attempt = 0;
  private onlineAt?: number;

  online(now: number): void {
    this.onlineAt = now;
  }

  nextDelay(now: number): number {
    if (this.onlineAt !== undefined && now - this.onlineAt >= STABLE_MS) this.attempt = 0;
    this.onlineAt = undefined;
    return backoffDelay(this.attempt++);
  }
}
