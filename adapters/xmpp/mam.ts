/**
 * Message Archive Management queries (XEP-0313 v2) in flight: which archive each `queryid` asked, and the results
 * collected for it. A result is taken only for a known queryid and only from the archive that was asked (the own
 * account for one-to-one history, the room for group chat): anything else is a forgery and is dropped.
 */
import { randomUUID } from 'node:crypto';
import type { AdapterEvent, IncomingMessage } from '../../src/core/contract.js';
import xml, { type Element } from '@xmpp/xml';
import { NS } from './ns.js';

export interface MamQuery {
  id: string;
  /** Bare JID of the archive: the own account or the room. */
  archive: string;
  /** Set for a room archive. */
  room?: string;
  messages: IncomingMessage[];
  /** Changes to earlier messages found in the results (corrections, reactions, retractions), in archive order. */
  updates: AdapterEvent[];
  /** Archive id of the last result seen (paging forward). */
  lastId?: string;
  /** Live catch-up results notify like live messages; history pages do not. */
  historical: boolean;
}

export class MamQueries {
  private readonly queries = new Map<string, MamQuery>();

  open(archive: string, options: { room?: string; historical: boolean }): MamQuery {
    const q: MamQuery = { id: randomUUID(), archive, messages: [], updates: [], historical: options.historical, ...(options.room ? { room: options.room } : {}) };
    this.queries.set(q.id, q);
    return q;
  }

  get(id: string | undefined): MamQuery | undefined {
    return id === undefined ? undefined : this.queries.get(id);
  }

  close(id: string): void {
    this.queries.delete(id);
  }

  clear(): void {
    this.queries.clear();
  }
}

/**
 * The query IQ: optionally filtered by `with` (one-to-one history with a contact), paged with RSM (XEP-0059):
 * `before` (possibly empty = the newest page) pages backwards, `after` forwards.
 */
export function mamQuery(q: MamQuery, options: { with?: string; before?: string; after?: string; max: number; to?: string }): Element {
  const fields = [xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS.mam))];
  if (options.with) fields.push(xml('field', { var: 'with' }, xml('value', {}, options.with)));
  const set = xml(
    'set',
    { xmlns: NS.rsm },
    xml('max', {}, String(options.max)),
    options.after !== undefined ? xml('after', {}, options.after) : xml('before', {}, options.before ?? ''),
  );
  return xml(
    'iq',
    { type: 'set', ...(options.to ? { to: options.to } : {}) },
    xml('query', { xmlns: NS.mam, queryid: q.id }, xml('x', { xmlns: NS.data, type: 'submit' }, fields), set),
  );
}

/** The `<fin>` of a finished query: whether the archive's end was reached and the page's first and last ids. */
export function readFin(iq: Element): { complete: boolean; first?: string; last?: string } {
  const fin = iq.getChild('fin', NS.mam);
  const set = fin?.getChild('set', NS.rsm);
  return {
    complete: fin?.attrs.complete === 'true',
    first: set?.getChildText('first') ?? undefined,
    last: set?.getChildText('last') ?? undefined,
  };
}
