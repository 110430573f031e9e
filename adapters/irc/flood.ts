/**
 * Outgoing flood control: a token bucket. Up to `burst` lines go out at once, then one line per `intervalMs`.
 * Servers disconnect clients that send faster ("Excess Flood"), so every line the adapter writes passes here.
 */

/** Time source and timer, injectable so tests can drive the bucket without real sleeps. */
export interface FloodClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const realClock: FloodClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface Job {
  run: () => void;
  dropped?: () => void;
}

export class FloodBucket {
  private tokens: number;
  private last: number;
  private readonly queue: Job[] = [];
  private timer: unknown;

  constructor(
    private readonly burst: number,
    private readonly intervalMs: number,
    private readonly clock: FloodClock = realClock,
  ) {
    this.burst = Math.max(1, Math.floor(burst));
    this.intervalMs = Math.max(0, intervalMs);
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /** Lines waiting for a token. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Runs `run` now when a token is free and nothing waits, else queues it (FIFO; `priority` jobs such as PONG and
   * QUIT go to the front). `dropped` is called instead when {@link clear} discards the job.
   */
  submit(run: () => void, options?: { priority?: boolean; dropped?: () => void }): void {
    const job: Job = { run, dropped: options?.dropped };
    if (options?.priority) this.queue.unshift(job);
    else this.queue.push(job);
    this.drain();
  }

  /** Discards every queued job (the connection is gone) and refills the bucket for the next connection. */
  clear(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    const jobs = this.queue.splice(0);
    this.tokens = this.burst;
    this.last = this.clock.now();
    for (const j of jobs) j.dropped?.();
  }

  private refill(): void {
    const now = this.clock.now();
    if (this.intervalMs === 0) {
      this.tokens = this.burst;
    } else {
      const gained = Math.floor((now - this.last) / this.intervalMs);
      if (gained > 0) {
        this.tokens = Math.min(this.burst, this.tokens + gained);
        this.last = this.tokens === this.burst ? now : this.last + gained * this.intervalMs;
      }
    }
  }

  private drain(): void {
    this.refill();
    while (this.queue.length > 0 && this.tokens > 0) {
      if (this.tokens === this.burst) this.last = this.clock.now();
      this.tokens--;
      const job = this.queue.shift()!;
      job.run();
    }
    if (this.queue.length > 0 && this.timer === undefined) {
      const wait = Math.max(1, this.last + this.intervalMs - this.clock.now());
      this.timer = this.clock.setTimer(() => {
        this.timer = undefined;
        this.drain();
      }, wait);
    }
  }
}
