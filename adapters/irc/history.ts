/**
 * IRCv3 CHATHISTORY (https://ircv3.net/specs/extensions/chathistory): `CHATHISTORY BEFORE <target> <ref> <limit>`
 * answered by a `chathistory` batch. Requests are matched to batches by label (labeled-response) or, without labels,
 * by the batch's target in request order.
 */
import type { HistoryPage, IncomingMessage } from '../../src/core/contract.js';

interface Request {
  label?: string;
  target: string;
  limit: number;
  batchId?: string;
  messages: IncomingMessage[];
  resolve(page: HistoryPage): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Turns a cursor from an earlier page (or a bare msgid) into a CHATHISTORY message reference. */
export function historyReference(before: string | undefined, now: number): string {
  if (!before) return `timestamp=${new Date(now).toISOString()}`;
  if (before.startsWith('msgid=') || before.startsWith('timestamp=')) return before;
  return `msgid=${before}`;
}

/** The cursor for the page older than `messages`: the oldest message's msgid, else its timestamp. */
export function olderCursor(messages: IncomingMessage[]): string | undefined {
  let oldest: IncomingMessage | undefined;
  for (const m of messages) if (m.sentAt !== undefined && (!oldest || m.sentAt < (oldest.sentAt ?? Infinity))) oldest = m;
  oldest ??= messages[0];
  if (!oldest) return undefined;
  if (oldest.remoteId) return `msgid=${oldest.remoteId}`;
  return oldest.sentAt !== undefined ? `timestamp=${new Date(oldest.sentAt).toISOString()}` : undefined;
}

export class HistoryRequests {
  private readonly requests: Request[] = [];

  constructor(private readonly fold: (s: string) => string, private readonly timeoutMs = 30_000) {}

  add(target: string, limit: number, label: string | undefined): Promise<HistoryPage> {
    return new Promise((resolve, reject) => {
      const req: Request = {
        label,
        target,
        limit,
        messages: [],
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(req);
          reject(new Error('the server did not answer the history request'));
        }, this.timeoutMs),
      };
      req.timer.unref?.();
      this.requests.push(req);
    });
  }

  private remove(req: Request): void {
    const i = this.requests.indexOf(req);
    if (i !== -1) this.requests.splice(i, 1);
    clearTimeout(req.timer);
  }

  /** A batch started: claim it for the request with its label (or the oldest request for its target). */
  batchStarted(id: string, type: string, params: string[], label: string | undefined): void {
    if (type !== 'chathistory' && type !== 'draft/chathistory' && type !== 'labeled-response') return;
    const req = label !== undefined
      ? this.requests.find((r) => r.label === label && !r.batchId)
      : this.requests.find((r) => !r.label && !r.batchId && params[0] !== undefined && this.fold(params[0]) === this.fold(r.target));
    if (req) req.batchId = id;
  }

  /** A message inside batch `rootId`; returns true when a request took it. */
  message(rootId: string, message: IncomingMessage): boolean {
    const req = this.requests.find((r) => r.batchId === rootId);
    if (!req) return false;
    req.messages.push({ ...message, historical: true });
    return true;
  }

  /** A batch ended: resolve its request. */
  batchEnded(id: string): void {
    const req = this.requests.find((r) => r.batchId === id);
    if (!req) return;
    this.remove(req);
    const next = req.messages.length >= req.limit ? olderCursor(req.messages) : undefined;
    req.resolve(next ? { messages: req.messages, next } : { messages: req.messages });
  }

  /** The server refused the request (FAIL CHATHISTORY …): an empty page ends paging. */
  failed(label: string | undefined): boolean {
    const req = label !== undefined ? this.requests.find((r) => r.label === label) : this.requests[0];
    if (!req) return false;
    this.remove(req);
    req.resolve({ messages: [] });
    return true;
  }

  dropAll(reason: string): void {
    for (const r of this.requests.splice(0)) {
      clearTimeout(r.timer);
      r.reject(new Error(reason));
    }
  }
}
