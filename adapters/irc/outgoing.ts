/**
 * Tracks our own PRIVMSG/NOTICE lines until the server confirms them.
 *
 * With IRCv3 echo-message the server sends each accepted line back to us; with labeled-response the echo (or an
 * error numeric / FAIL) carries the `label` we put on the line (https://ircv3.net/specs/extensions/labeled-response).
 * Without labels, echoes and errors are matched by target (and text) in send order.
 */
import { SendRejected, SendUncertain, type SendResult } from '../../src/core/contract.js';

interface PendingLine {
  label?: string;
  command: string;
  text: string;
  written: boolean;
  confirmed: boolean;
}

interface PendingSend {
  target: string;
  lines: PendingLine[];
  result?: SendResult;
  resolve(result: SendResult): void;
  reject(error: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

export class OutgoingTracker {
  private readonly pending: PendingSend[] = [];
  private counter = 0;

  constructor(
    private readonly fold: (s: string) => string,
    private readonly timeoutMs = 60_000,
  ) {}

  /** A fresh label: letters and digits only, unique for this adapter instance. */
  nextLabel(): string {
    this.counter = (this.counter + 1) % 1e9;
    return `nt${this.counter.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
  }

  get size(): number {
    return this.pending.length;
  }

  /**
   * Registers a send whose lines are about to be written; resolves when every line is confirmed (the result carries
   * the first line's msgid and server time), rejects on an error for one of them.
   */
  track(target: string, lines: Array<{ label?: string; command: string; text: string }>): {
    promise: Promise<SendResult>;
    written(index: number): void;
  } {
    let entry!: PendingSend;
    const promise = new Promise<SendResult>((resolve, reject) => {
      entry = { target, lines: lines.map((l) => ({ ...l, written: false, confirmed: false })), resolve, reject };
    });
    entry.timer = setTimeout(() => {
      this.remove(entry);
      entry.reject(new SendUncertain('the server did not confirm the message in time'));
    }, this.timeoutMs);
    entry.timer.unref?.();
    this.pending.push(entry);
    return { promise, written: (i) => ((entry.lines[i] ?? { written: false }).written = true) };
  }

  private remove(entry: PendingSend): void {
    const i = this.pending.indexOf(entry);
    if (i !== -1) this.pending.splice(i, 1);
    clearTimeout(entry.timer);
  }

  private find(label: string | undefined, target: string | undefined, match: (l: PendingLine) => boolean): [PendingSend, PendingLine] | undefined {
    for (const p of this.pending) {
      if (label === undefined && target !== undefined && this.fold(p.target) !== this.fold(target)) continue;
      for (const l of p.lines) {
        if (l.confirmed) continue;
        if (label !== undefined ? l.label === label : match(l)) return [p, l];
      }
    }
    return undefined;
  }

  /** An echo of our own line arrived. Returns true when it confirmed a pending send. */
  echo(label: string | undefined, target: string, command: string, text: string, msgid?: string, time?: number): boolean {
    const hit = this.find(label, label === undefined ? target : undefined, (l) => l.command === command && l.text === text);
    if (!hit) return false;
    const [p, l] = hit;
    l.confirmed = true;
    if (p.lines[0] === l || !p.result) {
      p.result ??= { state: 'sent' };
      if (p.lines[0] === l) {
        if (msgid) p.result.remoteId = msgid;
        if (time !== undefined) p.result.sentAt = time;
      }
    }
    if (p.lines.every((x) => x.confirmed)) {
      this.remove(p);
      p.resolve(p.result ?? { state: 'sent' });
    }
    return true;
  }

  /** The server refused a line (error numeric or FAIL). Returns true when it matched a pending send. */
  fail(label: string | undefined, target: string | undefined, reason: string): boolean {
    if (label === undefined && target === undefined) return false;
    const hit = this.find(label, target, () => true);
    if (!hit) return false;
    const [p] = hit;
    this.remove(p);
    p.reject(new SendRejected(reason, { retryable: false }));
    return true;
  }

  /**
   * The connection is gone: sends with a line already on the wire are uncertain, sends that never reached the socket
   * are rejected as retryable (the outbox keeps them for the next connection).
   */
  dropAll(reason: string): void {
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      if (p.lines.some((l) => l.written)) p.reject(new SendUncertain(reason));
      else p.reject(new SendRejected(reason, { retryable: true }));
    }
  }
}
