/**
 * The state one XMPP account's adapter shares between its parts (connection lifecycle in connection.ts, archive
 * catch-up, rooms, sending, commands), and the small helpers they all use to emit events, write stanzas and ask IQs.
 * Each part is a module of functions taking this state explicitly; adapter.ts owns one instance per adapter.
 */
import xml, { type Element } from '@xmpp/xml';
import type { AdapterContext, AdapterEvent } from '../../src/core/contract.js';
import { ReconnectBackoff } from '../../src/core/backoff.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import type { ConnectionState } from '../../src/core/model.js';
import type { XmppClient } from './client.js';
import { newCsiState } from './csi.js';
import { Directory } from './directory.js';
import type { Session } from './events/index.js';
import { IqRequests } from './iq.js';
import { MamQueries } from './mam.js';
import type { XmppOptions } from './options.js';
import { OutgoingTracker } from './outgoing.js';
import { RichState } from './rich-state.js';
import { Rooms } from './rooms.js';
import type { OmemoPipeline } from './omemo/pipeline.js';

export const IQ_TIMEOUT_MS = 30_000;

/** One connection attempt (socket and stream) of the shared client; `closed` once it ended, never reused. */
export interface Connection {
  client: XmppClient;
  closed: boolean;
  online: boolean;
  error?: unknown;
  /** Gives up on a negotiation that never completes. */
  timer?: ReturnType<typeof setTimeout>;
  /** True while dial.ts tries endpoints: a failed socket then moves on to the next one instead of closing. */
  dialing?: boolean;
}

/** Everything an XmppAdapter knows between calls; set up by start(), reset per connection by connection.ts. */
export class XmppState {
  ctx?: AdapterContext;
  opts?: XmppOptions;
  log: Logger = silentLogger;
  password = '';
  conn?: Connection;
  client?: XmppClient;
  readonly rooms = new Rooms();
  readonly outgoing = new OutgoingTracker();
  readonly mam = new MamQueries();
  /** Ids, markers and reaction sets of the rich-messaging extensions (rich-state.ts). */
  readonly rich = new RichState();
  readonly backoff = new ReconnectBackoff();
  session?: Session;
  stopping = false;
  reconnectTimer?: ReturnType<typeof setTimeout>;
  /** Rooms whose archive catch-up is running. */
  readonly roomCatchUps = new Set<string>();
  /** Roster, presence, bookmarks, invitations and discovered features (directory.ts). */
  readonly directory = new Directory();
  /** Client State Indication (XEP-0352, csi.ts): the wanted state, kept across connections. */
  readonly csi = newCsiState();
  /** Whether the last stream features offered stream management (XEP-0198). */
  smOffered = false;
  /** Chat state last sent per conversation (XEP-0085 §5.2: send a state only when it changes). */
  readonly typingSent = new Map<string, boolean>();
  /** MUC service domains found by service discovery (XEP-0030), and domains known not to be one. */
  readonly conferenceDomains = new Map<string, boolean>();
  /** OMEMO end-to-end encryption (omemo/pipeline.ts), when the account's config enables it (`omemo = true`). */
  omemo?: OmemoPipeline;
  readonly iqs = new IqRequests(() => ({ bare: this.opts!.bare, full: this.session?.full }));

  /** Hands an event to the engine; an engine that throws is logged, never breaks the adapter. */
  emit(event: AdapterEvent): void {
    try {
      this.ctx?.emit(event);
    } catch (e) {
      this.log.error('the engine failed to take an event', e);
    }
  }

  emitConnection(state: ConnectionState, detail?: string): void {
    this.emit({ type: 'connection', state, ...(detail ? { detail } : {}), self: this.opts!.bare });
  }

  /** Writes a stanza on `conn` (the current connection by default); nothing once it closed, write errors only logged. */
  write(stanza: Element, conn = this.conn): void {
    if (!conn || conn.closed) return;
    conn.client.entity.send(stanza).catch((e: unknown) => this.log.debug('write failed', e));
  }

  /** An IQ request on connection `conn`, answered only by the entity asked (iq.ts). */
  iq(conn: Connection, type: 'get' | 'set', child: Element, to?: string): Promise<Element> {
    const iq = xml('iq', { type, ...(to ? { to } : {}) }, child);
    return this.iqs.request(iq, (el) => conn.client.entity.send(el), IQ_TIMEOUT_MS);
  }

  /** Sends a ready-made IQ (such as a MAM query) on `conn`; resolves with the answer, rejects on an error or timeout. */
  request(conn: Connection, iq: Element): Promise<Element> {
    return this.iqs.request(iq, (el) => conn.client.entity.send(el), IQ_TIMEOUT_MS);
  }
}
