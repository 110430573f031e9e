/**
 * Reconnect delays: exponential backoff with jitter, shared by every adapter that keeps a connection up.
 * Attempt 0 waits about 1 s, then 2 s, 4 s, … capped at 60 s; each delay is spread by ±20 % so that many clients
 * dropped by one server restart do not all come back in the same second.
 */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;
export const BACKOFF_JITTER = 0.2;

/**
 * Delay in ms before reconnect attempt `attempt` (0-based). `random` returns [0, 1) and is injectable for tests;
 * the result always lies within ±20 % of min(1 s · 2^attempt, 60 s).
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const n = Math.max(0, Math.floor(Number.isFinite(attempt) ? attempt : 0));
  const base = Math.min(BACKOFF_BASE_MS * 2 ** Math.min(n, 30), BACKOFF_MAX_MS);
  const spread = (random() * 2 - 1) * BACKOFF_JITTER;
  return Math.round(base * (1 + spread));
}

/** A connection that stayed up this long resets the backoff. */
export const STABLE_CONNECTION_MS = 30_000;

/** Reconnect pacing for one connection: the next delay per failed attempt, reset after a stable connection. */
export class ReconnectBackoff {
  private attempt = 0;
  private onlineAt?: number;

  constructor(private readonly random: () => number = Math.random) {}

  /** The connection came online at `now` (the start of the stable period). */
  online(now: number): void {
    this.onlineAt = now;
  }

  /** The connection closed at `now`: the delay before the next attempt. */
  nextDelay(now: number): number {
    if (this.onlineAt !== undefined && now - this.onlineAt >= STABLE_CONNECTION_MS) this.attempt = 0;
    this.onlineAt = undefined;
    return backoffDelay(this.attempt++, this.random);
  }

  /** Plain words for the status line after a close: "<reason>, retrying in N s" (the delay rounded, at least 1 s). */
  retryDetail(reason: string, delayMs: number): string {
    return `${reason}, retrying in ${Math.max(1, Math.round(delayMs / 1000))} s`;
  }
}
