/**
 * IQ requests (RFC 6120 §8.2.3) made by the adapter, matched to their answers by id *and* sender: an answer counts
 * only from the entity asked (or, for requests to the own account, from the own bare JID or the server without
 * 'from'), so no one else can answer in its name (RFC 6120 §8.1.2.1; the MAM forgery class of bugs).
 *
 * xmpp.js's own IQ caller matches by id alone and rejects its internal promise before anyone listens when the error
 * answer beats the write callback (an unhandled rejection); this one has neither problem.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { bareJid, normalizeJid } from './jid.js';
import { NS } from './ns.js';

/** An IQ answered with an error; `condition` is the RFC 6120 §8.3.3 condition name. */
export class IqError extends Error {
  override readonly name = 'IqError';
  constructor(
    readonly condition: string,
    readonly text: string | undefined,
    readonly type: string | undefined,
  ) {
    super(text ? `${condition.replace(/-/g, ' ')}: ${text}` : condition.replace(/-/g, ' '));
  }
}

export class IqTimeout extends Error {
  override readonly name = 'IqTimeout';
}

interface PendingIq {
  /** Who may answer: normalized JIDs. */
  from: Set<string | undefined>;
  resolve(el: Element): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class IqRequests {
  private readonly pending = new Map<string, PendingIq>();

  constructor(private readonly own: () => { bare: string; full?: string }) {}

  /** Sends `iq` via `write` and resolves with the result IQ (rejects with IqError / IqTimeout / the write error). */
  request(iq: Element, write: (el: Element) => Promise<void>, timeoutMs: number): Promise<Element> {
    const id = iq.attrs.id ?? randomUUID();
    iq.attrs.id = id;
    const to = iq.attrs.to;
    const me = this.own();
    const from = new Set<string | undefined>(
      to === undefined || bareJid(to) === me.bare ? [undefined, me.bare, me.full ? normalizeJid(me.full) : undefined, ...(to ? [normalizeJid(to)] : [])] : [normalizeJid(to)],
    );
    return new Promise<Element>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new IqTimeout(`no answer from ${to ?? 'the server'} in time`));
      }, timeoutMs);
      this.pending.set(id, { from, resolve, reject, timer });
      write(iq).catch((e: unknown) => {
        if (!this.pending.has(id)) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(e instanceof Error ? e : new Error(String(e)));
      });
    });
  }

  /** Takes an IQ result/error for one of our requests; true when it was ours. */
  handle(iq: Element): boolean {
    const type = iq.attrs.type;
    if (iq.name !== 'iq' || (type !== 'result' && type !== 'error')) return false;
    const id = iq.attrs.id;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p) return false;
    const from = iq.attrs.from === undefined ? undefined : normalizeJid(iq.attrs.from);
    if (!p.from.has(from)) return false;
    clearTimeout(p.timer);
    this.pending.delete(id!);
    if (type === 'result') {
      p.resolve(iq);
    } else {
      const err = iq.getChild('error');
      const condition = err?.getChildElements().find((c) => c.getNS() === NS.stanzas && c.name !== 'text')?.name ?? 'undefined-condition';
      p.reject(new IqError(condition, err?.getChildText('text', NS.stanzas) ?? undefined, err?.attrs.type));
    }
    return true;
  }

  /** The connection is gone: every open request fails. */
  dropAll(reason: string): void {
    for (const [id, p] of [...this.pending]) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new Error(reason));
    }
  }
}
