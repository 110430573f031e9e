/**
 * The XMPP adapter on xmpp.js (@xmpp/* 0.14): client.ts composes the stream (TLS, SASL, binding, stream
 * management); this file holds the connection lifecycle (connect, online set-up, close and reconnect with backoff,
 * stop) and the Adapter methods. Inbound stanzas go to events/*, one file per stanza family.
 *
 * On every connection: initial presence (RFC 6121 §4.2), carbons enabled (XEP-0280), rooms joined again, and a
 * catch-up from the own archive (XEP-0313) after the last archive id seen, so messages that arrived while offline
 * are reported (the engine dedups by id).
 */
import xml, { type Element } from '@xmpp/xml';
import {
  SendRejected,
  type Adapter,
  type AdapterContext,
  type AdapterEvent,
  type HistoryPage,
  type IncomingMessage,
  type OutgoingMessage,
  type SendResult,
} from '../../src/core/contract.js';
import { CommandError } from '../../src/core/errors.js';
import { registerSecret, silentLogger, type Logger } from '../../src/core/logger.js';
import type { ConnectionState } from '../../src/core/model.js';
import { xmppCapabilities } from './capabilities.js';
import { createXmppClient, type XmppClient } from './client.js';
import { describeClose } from './close-reason.js';
import { dispatch, type Session } from './events/index.js';
import { bareJid, bareOf, normalizeJid, parseJid } from './jid.js';
import { mamQuery, MamQueries, readFin } from './mam.js';
import { IqRequests } from './iq.js';
import { NS } from './ns.js';
import { readOptions, type XmppOptions } from './options.js';
import { OutgoingTracker } from './outgoing.js';
import { ReconnectBackoff } from '../../src/core/backoff.js';
import { ROSTER_COMMANDS, rosterCommand } from './roster-commands.js';
import { Rooms, type Room } from './rooms.js';
import { xmlSafe } from './xml-text.js';

/** kv key: the newest archive id of the own archive this account has seen (catch-up starts after it). */
export const KV_MAM_LAST = 'mam:last';
/** kv key prefix: the newest archive id seen per room (`mam:room:<room JID>`), where the room catch-up starts. */
export const KV_MAM_ROOM = 'mam:room:';
const IQ_TIMEOUT_MS = 30_000;
/** Messages fetched from the own archive on the first connection of an account (there is no marker yet). */
const FIRST_CATCH_UP = 50;
const CATCH_UP_PAGE = 100;
/** Room history asked on join (XEP-0045 §7.2.15); older history comes from the room archive. */
const JOIN_HISTORY = 20;

interface Connection {
  client: XmppClient;
  closed: boolean;
  online: boolean;
  error?: unknown;
  /** Gives up on a negotiation that never completes. */
  timer?: ReturnType<typeof setTimeout>;
}

export class XmppAdapter implements Adapter {
  readonly protocol = 'xmpp' as const;
  capabilities = xmppCapabilities();

  private ctx?: AdapterContext;
  private opts?: XmppOptions;
  private log: Logger = silentLogger;
  private password = '';
  private conn?: Connection;
  private client?: XmppClient;
  private readonly rooms = new Rooms();
  private readonly outgoing = new OutgoingTracker();
  private readonly mam = new MamQueries();
  private readonly backoff = new ReconnectBackoff();
  private session?: Session;
  private stopping = false;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  /** Rooms whose archive catch-up is running. */
  private readonly roomCatchUps = new Set<string>();
  /** Whether the last stream features offered stream management (XEP-0198). */
  private smOffered = false;
  /** Chat state last sent per conversation (XEP-0085 §5.2: send a state only when it changes). */
  private readonly typingSent = new Map<string, boolean>();
  /** MUC service domains found by service discovery (XEP-0030), and domains known not to be one. */
  private readonly conferenceDomains = new Map<string, boolean>();
  private readonly iqs = new IqRequests(() => ({ bare: this.opts!.bare, full: this.session?.full }));

  async start(ctx: AdapterContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log.child('xmpp');
    this.opts = readOptions(ctx.config);
    this.password = (await ctx.secret('password')) ?? '';
    registerSecret(this.password);
    this.session = this.makeSession();
    this.stopping = false;
    this.connect();
  }

  private makeSession(): Session {
    const own = this.opts!.bare;
    return {
      own,
      rooms: this.rooms,
      outgoing: this.outgoing,
      mam: this.mam,
      log: this.log,
      emit: (e) => this.emit(e),
      send: (stanza) => this.write(stanza),
      unlockRoom: (room) => void this.unlockRoom(room),
      joinRoom: (jid) => {
        const room = this.rooms.get(jid);
        const conn = this.conn;
        if (room && conn?.online && !conn.closed) this.sendJoin(room, conn);
      },
      sawArchiveId: (id) => this.ctx?.kv.set(KV_MAM_LAST, id),
      sawRoomArchiveId: (room, id) => {
        // While a catch-up pages forward it owns the marker (live messages are newer than its pages).
        if (!this.roomCatchUps.has(room)) this.ctx?.kv.set(KV_MAM_ROOM + room, id);
      },
      roomJoined: (room) => {
        const conn = this.conn;
        if (conn?.online && !conn.closed) void this.roomCatchUp(conn, room);
      },
    };
  }

  private emit(event: AdapterEvent): void {
    try {
      this.ctx?.emit(event);
    } catch (e) {
      this.log.error('the engine failed to take an event', e);
    }
  }

  private emitConnection(state: ConnectionState, detail?: string): void {
    this.emit({ type: 'connection', state, ...(detail ? { detail } : {}), self: this.opts!.bare });
  }

  private write(stanza: Element, conn = this.conn): void {
    if (!conn || conn.closed) return;
    conn.client.entity.send(stanza).catch((e: unknown) => this.log.debug('write failed', e));
  }

  /** An IQ request on connection `conn`, answered only by the entity asked (iq.ts). */
  private iq(conn: Connection, type: 'get' | 'set', child: Element, to?: string): Promise<Element> {
    const iq = xml('iq', { type, ...(to ? { to } : {}) }, child);
    return this.iqs.request(iq, (el) => conn.client.entity.send(el), IQ_TIMEOUT_MS);
  }

  /**
   * One xmpp.js client serves every connection of a start(): its stream management state (XEP-0198 id, counters,
   * unacked stanzas) survives a dropped socket, so the next connection can resume the session.
   */
  private clientFor(): XmppClient {
    if (this.client) return this.client;
    const client = createXmppClient(this.opts!, this.password);
    const { entity, sm } = client;
    entity.on('stanza', (el: Element) => {
      const conn = this.conn;
      if (!conn || conn.closed || conn.client !== client || !this.session) return;
      if (el.name === 'iq' && this.iqs.handle(el)) return;
      dispatch(this.session, el);
    });
    entity.on('error', (e: unknown) => {
      const conn = this.conn;
      this.log.debug('client error', e);
      if (!conn || conn.closed || conn.client !== client) return;
      conn.error ??= e;
      // An error while negotiating (TLS refused, login refused, stream error) ends this attempt.
      if (!conn.online) destroySocket(client);
    });
    entity.on('disconnect', () => {
      const conn = this.conn;
      if (conn && conn.client === client) this.onClose(conn);
    });
    // A new session (resource bound) fires 'online'; a resumed one only the stream management 'resumed'.
    entity.on('nonza', (el: Element) => {
      if (el.is('features', 'http://etherx.jabber.org/streams')) this.smOffered = el.getChild('sm', 'urn:xmpp:sm:3') !== undefined;
    });
    entity.on('online', () => {
      const conn = this.conn;
      if (conn && conn.client === client) void this.afterBind(conn);
    });
    sm.on('resumed', () => {
      const conn = this.conn;
      if (conn && conn.client === client) this.onOnline(conn, true);
    });
    sm.on('ack', (stanza: Element) => {
      if (stanza.name === 'message' && stanza.attrs.id && stanza.attrs.type !== 'groupchat') this.outgoing.accepted(stanza.attrs.id);
    });
    sm.on('fail', (stanza: Element) => {
      if (stanza.attrs.id) this.outgoing.lost(stanza.attrs.id, 'the connection was lost before the server confirmed the message');
    });
    this.client = client;
    return client;
  }

  private connect(): void {
    const opts = this.opts!;
    this.reconnectTimer = undefined;
    this.emitConnection('connecting', `connecting to ${opts.host}:${opts.port} (${opts.tls === 'direct' ? 'TLS' : 'STARTTLS'})`);
    let client: XmppClient;
    try {
      client = this.clientFor();
    } catch (e) {
      this.log.error('cannot build the client', e);
      this.scheduleReconnect(e);
      return;
    }
    const conn: Connection = { client, closed: false, online: false };
    this.conn = conn;
    conn.timer = setTimeout(() => {
      conn.error ??= Object.assign(new Error('the server did not complete the login in time'), { code: 'ETIMEDOUT' });
      destroySocket(client);
      this.onClose(conn);
    }, opts.connectTimeoutMs * 2);
    const { entity } = client;
    // What xmpp.js's reconnect module does: a new socket and stream on the same entity (start() needs 'offline').
    (async () => {
      await entity.connect(entity.options.service);
      await entity.open({ domain: entity.options.domain });
    })().catch((e: unknown) => {
      conn.error ??= e;
      this.log.info('connection attempt failed', e);
      destroySocket(client);
      this.onClose(conn);
    });
  }

  /**
   * A new session is bound. Stream management is enabled right after binding; stanzas crossing the `<enable/>`
   * make xmpp.js count the server's stanzas wrongly (Prosody then ends the stream: "Client acknowledged more stanzas
   * than sent by server"), so the session's first traffic waits until enabling has settled (at most 5 s).
   */
  private async afterBind(conn: Connection): Promise<void> {
    const sm = conn.client.sm;
    const until = Date.now() + 5000;
    while (this.smOffered && !sm.enabled && Date.now() < until && this.conn === conn && !conn.closed) {
      await new Promise((r) => setTimeout(r, 5));
      // Enabling failed: xmpp.js clears the flag it set when <enable/> went out.
      if (!sm.enabled && !(sm as unknown as { enableSent: boolean }).enableSent && Date.now() > until - 4900) break;
    }
    this.onOnline(conn, false);
  }

  private onOnline(conn: Connection, resumed: boolean): void {
    if (this.conn !== conn || conn.closed) return;
    clearTimeout(conn.timer);
    const { entity } = conn.client;
    conn.online = true;
    this.backoff.online(this.ctx!.now());
    if (resumed) {
      // XEP-0198 §5: the session (presence, carbons, rooms) survived; the server re-sent what we had not acked.
      this.log.info('stream resumed', { jid: this.session!.full });
      this.emitConnection('online');
      return;
    }
    this.session!.full = entity.jid?.toString();
    this.log.info('online', { jid: this.session!.full });
    // A new session: rooms of a session that could not be resumed are left on the server; join them afresh.
    for (const room of this.rooms.all()) {
      if (room.joined) this.emit({ type: 'conversation', conversation: { remoteId: room.jid, kind: 'group', joined: false } });
    }
    this.rooms.resetAll();
    // Initial presence makes us available and subscribes us to contacts' presence (RFC 6121 §4.2).
    this.write(xml('presence'), conn);
    this.iq(conn, 'set', xml('enable', { xmlns: NS.carbons })).then(
      () => this.log.info('carbons enabled'),
      (e: unknown) => this.log.warn('carbons not enabled', e),
    );
    this.emitConnection('online');
    for (const room of this.rooms.all()) this.sendJoin(room, conn);
    // Anything that arrived while no session was up is in the archive (also when resumption failed).
    void this.catchUp(conn);
  }

  /** Fetches what the own archive got since the last archive id seen (XEP-0313 §4.1.3 paging forward with RSM). */
  private async catchUp(conn: Connection): Promise<void> {
    const kv = this.ctx!.kv;
    let after = kv.get(KV_MAM_LAST);
    const first = after === undefined;
    try {
      for (let page = 0; page < 50 && this.conn === conn && !conn.closed; page++) {
        const q = this.mam.open(this.opts!.bare, { historical: first });
        try {
          const req = mamQuery(q, first ? { before: '', max: FIRST_CATCH_UP } : { after, max: CATCH_UP_PAGE });
          const res = await this.iqs.request(req, (el) => conn.client.entity.send(el), IQ_TIMEOUT_MS);
          const fin = readFin(res);
          for (const m of q.messages) this.emit({ type: 'message', message: m });
          const last = fin.last ?? q.lastId;
          if (last) {
            kv.set(KV_MAM_LAST, last);
            after = last;
          }
          if (first || fin.complete || q.messages.length === 0) return;
        } finally {
          this.mam.close(q.id);
        }
      }
    } catch (e) {
      if (isItemNotFound(e)) {
        // The marker is no longer in the archive (expired, or the archive was cleared): start over.
        this.log.info('archive marker unknown to the server; fetching the newest messages');
        kv.delete(KV_MAM_LAST);
      } else {
        this.log.warn('archive catch-up failed', e);
      }
    }
  }

  /**
   * After (re)joining a room we were in before: fetch what the room archive (XEP-0313 on the room, XEP-0045 MUC MAM)
   * holds after the newest message we saw, so an offline period longer than the join history leaves no gap. The
   * join history and this overlap; the room's stanza-ids make them one.
   */
  private async roomCatchUp(conn: Connection, room: string): Promise<void> {
    const kv = this.ctx!.kv;
    const key = KV_MAM_ROOM + room;
    let after = kv.get(key);
    if (after === undefined || this.roomCatchUps.has(room)) return;
    this.roomCatchUps.add(room);
    try {
      for (let page = 0; page < 20 && this.conn === conn && !conn.closed; page++) {
        const q = this.mam.open(room, { room, historical: false });
        try {
          const req = mamQuery(q, { after, max: CATCH_UP_PAGE, to: room });
          const res = await this.iqs.request(req, (el) => conn.client.entity.send(el), IQ_TIMEOUT_MS);
          const fin = readFin(res);
          for (const m of q.messages) this.emit({ type: 'message', message: m });
          const last = fin.last ?? q.lastId;
          if (last) {
            kv.set(key, last);
            after = last;
          }
          if (fin.complete || q.messages.length === 0) return;
        } finally {
          this.mam.close(q.id);
        }
      }
    } catch (e) {
      if (isItemNotFound(e)) kv.delete(key);
      this.log.warn('room archive catch-up failed', { room, error: String(e) });
    } finally {
      this.roomCatchUps.delete(room);
    }
  }

  private onClose(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    clearTimeout(conn.timer);
    if (this.conn !== conn) return;
    // With a resumable session (XEP-0198 id) unacked one-to-one sends stay open: resumption acks or re-sends them,
    // a failed resumption fails them ('fail' events). Without one their outcome is unknown now.
    const resumable = !this.stopping && conn.client.sm.id !== '';
    if (!resumable) this.outgoing.dropAll('the connection was lost before the server confirmed the message');
    this.iqs.dropAll('the connection was lost');
    this.mam.clear();
    this.typingSent.clear();
    if (this.stopping) {
      for (const room of this.rooms.all()) {
        if (room.joined) this.emit({ type: 'conversation', conversation: { remoteId: room.jid, kind: 'group', joined: false } });
      }
      this.rooms.resetAll();
      this.emitConnection('offline', 'disconnected');
      return;
    }
    if (!resumable) {
      for (const room of this.rooms.all()) {
        if (room.joined) this.emit({ type: 'conversation', conversation: { remoteId: room.jid, kind: 'group', joined: false } });
      }
      this.rooms.resetAll();
    }
    this.scheduleReconnect(conn.error);
  }

  private scheduleReconnect(error: unknown): void {
    const delay = this.backoff.nextDelay(this.ctx!.now());
    const { state, reason } = describeClose(error);
    this.log.info('disconnected', { reason, retryInMs: delay });
    this.emitConnection(state, `${reason}, retrying in ${Math.max(1, Math.round(delay / 1000))} s`);
    this.reconnectTimer = setTimeout(() => {
      if (!this.stopping) this.connect();
    }, delay);
  }

  async stop(reason?: string): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const conn = this.conn;
    const client = this.client;
    this.client = undefined;
    if (conn && !conn.closed) {
      if (conn.online && reason) this.write(xml('presence', { type: 'unavailable' }, xml('status', {}, xmlSafe(reason))), conn);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        conn.client.entity.stop().catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, 3000))),
      ]);
      clearTimeout(timer);
      destroySocket(conn.client);
      this.onClose(conn);
    } else {
      // Between connections: forget the resumable session with the client.
      if (client) destroySocket(client);
      this.outgoing.dropAll('disconnected');
      this.rooms.resetAll();
      this.emitConnection('offline', 'disconnected');
    }
  }

  private online(): Connection {
    const conn = this.conn;
    if (!conn || conn.closed || !conn.online) throw new SendRejected('not connected', { retryable: true });
    return conn;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const conn = this.online();
    const target = parseJid(message.conversation.remoteId);
    if (!target) throw new SendRejected(`not an XMPP address: ${message.conversation.remoteId}`);
    const body = xmlSafe(message.kind === 'action' ? `/me ${message.body}` : message.body);
    const id = message.localId;
    const room = message.conversation.kind === 'group' || message.conversation.kind === 'channel' ? this.rooms.get(bareOf(target)) : undefined;
    if (room && !room.joined) throw new SendRejected(`not in ${room.jid} yet`, { retryable: true });
    const stanza = room
      ? xml('message', { type: 'groupchat', to: room.jid, id }, xml('body', {}, body), xml('origin-id', { xmlns: NS.sid, id }))
      : xml(
          'message',
          { type: 'chat', to: message.conversation.remoteId, id },
          xml('body', {}, body),
          xml('origin-id', { xmlns: NS.sid, id }),
          // XEP-0085 §5.1: a message is sent in the active state.
          xml('active', { xmlns: NS.chatStates }),
          // XEP-0184 §5.1: ask for a receipt on every one-to-one message with a body.
          xml('request', { xmlns: NS.receipts }),
        );
    this.typingSent.delete(this.normalize(message.conversation.remoteId));
    const result = this.outgoing.track(id, room?.jid);
    try {
      await conn.client.entity.send(stanza);
    } catch (e) {
      this.outgoing.lost(id, 'the connection failed while sending');
      this.log.debug('send write failed', e);
      return result;
    }
    // Without stream management the write is the only confirmation there is (RFC 6120 gives none).
    if (!room && !conn.client.sm.enabled) this.outgoing.accepted(id);
    return result;
  }

  async join(address: string, options?: { password?: string }): Promise<void> {
    const j = parseJid(address.trim().split(/\s+/)[0]);
    if (!j || !j.local) throw new CommandError('join needs a room address such as room@conference.example.org');
    const bare = bareOf(j);
    if (!(await this.isConference(j.domain))) {
      // Not a room: open a one-to-one conversation with that contact.
      this.emit({ type: 'conversation', conversation: { remoteId: bare, kind: 'direct', title: bare } });
      return;
    }
    const room = this.rooms.get(bare) ?? this.rooms.add(bare, j.resource || this.opts!.jid.local, options?.password);
    if (j.resource) room.nick = j.resource;
    if (options?.password) room.password = options.password;
    if (room.leaving) {
      room.rejoin = true;
      return;
    }
    const conn = this.conn;
    if (conn?.online && !conn.closed) this.sendJoin(room, conn);
  }

  /** Whether `domain` is a MUC service (XEP-0030 identity category "conference"); unknown while offline: assume yes. */
  private async isConference(domain: string): Promise<boolean> {
    const known = this.conferenceDomains.get(domain);
    if (known !== undefined) return known;
    const conn = this.conn;
    if (!conn?.online || conn.closed) return true;
    try {
      const res = await this.iq(conn, 'get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), domain);
      const yes = (res.getChild('query', 'http://jabber.org/protocol/disco#info')?.getChildren('identity') ?? []).some((i) => i.attrs.category === 'conference');
      this.conferenceDomains.set(domain, yes);
      return yes;
    } catch (e) {
      this.log.debug('disco#info failed', e);
      return false;
    }
  }

  private sendJoin(room: Room, conn: Connection): void {
    room.joining = true;
    // XEP-0045 §7.2: presence to room/nick with the MUC extension (and the password of a protected room).
    this.write(
      xml(
        'presence',
        { to: `${room.jid}/${room.nick}` },
        xml('x', { xmlns: NS.muc }, xml('history', { maxstanzas: String(JOIN_HISTORY) }), room.password ? xml('password', {}, xmlSafe(room.password)) : undefined),
      ),
      conn,
    );
  }

  /** Accepts the default configuration of a room we just created (an "instant room", XEP-0045 §10.1.2). */
  private async unlockRoom(room: string): Promise<void> {
    const conn = this.conn;
    if (!conn?.online) return;
    try {
      await this.iq(conn, 'set', xml('query', { xmlns: NS.mucOwner }, xml('x', { xmlns: NS.data, type: 'submit' })), room);
      this.log.info('created room unlocked', { room });
    } catch (e) {
      this.log.warn('could not unlock the new room', e);
      this.emit({ type: 'notice', level: 'warn', text: `the new room ${room} could not be configured and may stay locked` });
    }
  }

  async leave(remoteId: string, reason?: string): Promise<void> {
    const bare = bareJid(remoteId);
    const room = this.rooms.get(bare);
    if (!room) return;
    room.rejoin = false;
    const conn = this.conn;
    if (!room.joined || !conn?.online || conn.closed) {
      this.rooms.delete(room.jid);
    } else {
      room.leaving = true;
      this.write(xml('presence', { to: `${room.jid}/${room.nick}`, type: 'unavailable' }, reason ? xml('status', {}, xmlSafe(reason)) : undefined), conn);
    }
    this.emit({ type: 'conversation', conversation: { remoteId: room.jid, kind: 'group', joined: false } });
  }

  /**
   * Pages backwards through the archive (XEP-0313): the room's own archive for a room, else the own archive
   * filtered by the contact. `before` is the RSM cursor of the previous page (the oldest archive id it held).
   */
  async history(remoteId: string, before: string | undefined, limit: number): Promise<HistoryPage> {
    const conn = this.conn;
    if (!conn?.online || conn.closed) return { messages: [] };
    const target = parseJid(remoteId);
    if (!target) return { messages: [] };
    const bare = bareOf(target);
    // A private message with a room occupant lives in the own archive, under the occupant's full JID. A room we
    // left (on a known MUC service) still has its own archive.
    const room = target.resource
      ? undefined
      : (this.rooms.get(bare) ?? (this.conferenceDomains.get(target.domain) ? { jid: bare } : undefined));
    const max = Math.max(1, Math.min(Math.floor(limit) || 50, 250));
    const ask = async (cursor: string): Promise<HistoryPage> => {
      const q = this.mam.open(room ? room.jid : this.opts!.bare, { historical: true, ...(room ? { room: room.jid } : {}) });
      try {
        const req = mamQuery(q, { max, before: cursor, ...(room ? { to: room.jid } : { with: target.resource ? remoteId : bare }) });
        const res = await this.iqs.request(req, (el) => conn.client.entity.send(el), IQ_TIMEOUT_MS);
        const fin = readFin(res);
        const messages: IncomingMessage[] = q.messages;
        return { messages, ...(fin.complete || !fin.first || messages.length === 0 ? {} : { next: fin.first }) };
      } finally {
        this.mam.close(q.id);
      }
    };
    try {
      try {
        return await ask(before ?? '');
      } catch (e) {
        // The cursor is no archive id (an own one-to-one message is known by its origin-id until the archive
        // names it): page from the newest end instead; the engine drops what it already has.
        if (before && isItemNotFound(e)) return await ask('');
        throw e;
      }
    } catch (e) {
      this.log.warn('archive query failed', e);
      return { messages: [] };
    }
  }

  /**
   * XMPP commands without a portable action: `/topic <text>` sets a room's subject (XEP-0045 §8.1); `/nick <name>`
   * changes the own nick in the room (§7.6), or in every room when typed outside one; the contact commands of
   * roster-commands.ts (`/add`, `/remove`, `/accept`, `/deny`, `/block`, `/unblock`).
   */
  async command(name: string, args: string[], conversationRemoteId?: string): Promise<void> {
    const conn = this.conn;
    if (!conn?.online || conn.closed) throw new CommandError('not connected to the XMPP server');
    const room = this.rooms.get(conversationRemoteId ? bareJid(conversationRemoteId) : undefined);
    const lower = name.toLowerCase();
    switch (lower) {
      case 'topic': {
        if (!room?.joined) throw new CommandError('/topic works in a room you are in');
        this.write(xml('message', { type: 'groupchat', to: room.jid }, xml('subject', {}, xmlSafe(args.join(' ')))), conn);
        return;
      }
      case 'nick': {
        const nick = xmlSafe(args.join(' ').trim());
        if (!nick) throw new CommandError('/nick needs a new nickname');
        const targets = room?.joined ? [room] : this.rooms.all().filter((r) => r.joined);
        if (targets.length === 0) throw new CommandError('an XMPP nickname belongs to a room: join one first');
        for (const r of targets) this.write(xml('presence', { to: `${r.jid}/${nick}` }), conn);
        return;
      }
    }
    if ((ROSTER_COMMANDS as readonly string[]).includes(lower)) {
      try {
        await rosterCommand({ write: (el) => this.write(el, conn), iq: (type, child) => this.iq(conn, type, child) }, lower as (typeof ROSTER_COMMANDS)[number], args);
      } catch (e) {
        if (e instanceof CommandError) throw e;
        throw new CommandError(`/${lower} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      return;
    }
    throw new CommandError(`/${name} is not available for XMPP accounts yet`);
  }

  /**
   * Chat states (XEP-0085): `composing` while the user types, `paused` when they stop, each sent once per change,
   * with a no-store hint (XEP-0334) so archives stay free of them. Rooms get them as group chat messages.
   */
  async setTyping(conversationRemoteId: string, active: boolean): Promise<void> {
    const conn = this.conn;
    if (!conn?.online || conn.closed) return;
    const target = parseJid(conversationRemoteId);
    if (!target) return;
    const key = this.normalize(conversationRemoteId);
    if ((this.typingSent.get(key) ?? false) === active) return;
    this.typingSent.set(key, active);
    const room = target.resource ? undefined : this.rooms.get(bareOf(target));
    if (room && !room.joined) return;
    this.write(
      xml(
        'message',
        { type: room ? 'groupchat' : 'chat', to: room ? room.jid : conversationRemoteId },
        xml(active ? 'composing' : 'paused', { xmlns: NS.chatStates }),
        xml('no-store', { xmlns: NS.hints }),
      ),
      conn,
    );
  }

  normalize(address: string): string {
    return normalizeJid(address);
  }
}

function isItemNotFound(e: unknown): boolean {
  return (e as { condition?: string } | undefined)?.condition === 'item-not-found';
}

function destroySocket(client: XmppClient): void {
  const socket = client.entity.socket as { destroy?: () => void } | null;
  try {
    socket?.destroy?.();
  } catch {
    // already gone
  }
}
