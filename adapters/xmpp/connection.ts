/**
 * The XMPP connection lifecycle: one xmpp.js client per start(), a connection attempt per socket, the set-up of a
 * new or resumed session (XEP-0198), close handling and reconnecting with backoff, and stop.
 *
 * On every new session: initial presence (RFC 6121 §4.2), carbons enabled (XEP-0280), rooms joined again, and a
 * catch-up from the own archive (XEP-0313) after the last archive id seen, so messages that arrived while offline
 * are reported (the engine dedups by id).
 */
import xml, { type Element } from '@xmpp/xml';
import { proxyLabel } from '../../src/core/net/proxy.js';
import { catchUp } from './catch-up.js';
import { createXmppClient, type XmppClient } from './client.js';
import { dialEndpoints } from './dial.js';
import { describeClose } from './close-reason.js';
import { csiOnline, NS_CSI } from './csi.js';
import { dispatch } from './events/index.js';
import { observeStanza } from './observe.js';
import { directoryOnline, initialPresence } from './session-extras.js';
import { NS } from './ns.js';
import { forgetRoomSessions, sendJoin } from './room-membership.js';
import type { Connection, XmppState } from './state.js';
import { xmlSafe } from './xml-text.js';

/**
 * One xmpp.js client serves every connection of a start(): its stream management state (XEP-0198 id, counters,
 * unacked stanzas) survives a dropped socket, so the next connection can resume the session.
 */
function clientFor(s: XmppState): XmppClient {
  if (s.client) return s.client;
  const client = createXmppClient(s.opts!, s.password, { mechanism: (m) => s.log.info('login', { mechanism: m }) });
  const { entity, sm } = client;
  entity.on('stanza', (el: Element) => {
    const conn = s.conn;
    if (!conn || conn.closed || conn.client !== client || !s.session) return;
    if (el.name === 'iq' && s.iqs.handle(el)) return;
    if (observeStanza(s, el)) return;
    dispatch(s.session, el);
  });
  entity.on('error', (e: unknown) => {
    const conn = s.conn;
    s.log.debug('client error', e);
    if (!conn || conn.closed || conn.client !== client || conn.dialing) return;
    conn.error ??= e;
    // An error while negotiating (TLS refused, login refused, stream error) ends this attempt.
    if (!conn.online) destroySocket(client);
  });
  entity.on('disconnect', () => {
    const conn = s.conn;
    // A socket that failed while dialing one of several endpoints: dialEndpoints tries the next.
    if (conn && conn.client === client && !conn.dialing) onClose(s, conn);
  });
  // A new session (resource bound) fires 'online'; a resumed one only the stream management 'resumed'.
  entity.on('nonza', (el: Element) => {
    if (el.is('features', 'http://etherx.jabber.org/streams')) {
      s.smOffered = el.getChild('sm', 'urn:xmpp:sm:3') !== undefined;
      s.csi.offered = el.getChild('csi', NS_CSI) !== undefined;
    }
  });
  entity.on('online', () => {
    const conn = s.conn;
    if (conn && conn.client === client) void afterBind(s, conn);
  });
  sm.on('resumed', () => {
    const conn = s.conn;
    if (conn && conn.client === client) onOnline(s, conn, true);
  });
  sm.on('ack', (stanza: Element) => {
    if (stanza.name === 'message' && stanza.attrs.id && stanza.attrs.type !== 'groupchat') s.outgoing.accepted(stanza.attrs.id);
  });
  sm.on('fail', (stanza: Element) => {
    if (stanza.attrs.id) s.outgoing.lost(stanza.attrs.id, 'the connection was lost before the server confirmed the message');
  });
  s.client = client;
  return client;
}

/** Starts one connection attempt; its failure or close leads to onClose (and a scheduled retry). */
export function connect(s: XmppState): void {
  const opts = s.opts!;
  s.reconnectTimer = undefined;
  // Behind a proxy nothing is looked up (srv.ts): the host (or the domain) goes to the proxy.
  const via = opts.proxy ? ` through the proxy ${proxyLabel(opts.proxy)}` : '';
  s.emitConnection(
    'connecting',
    opts.hostConfigured || opts.proxy
      ? `connecting to ${opts.host}:${opts.port} (${opts.tls === 'direct' ? 'TLS' : 'STARTTLS'})${via}`
      : `looking up the XMPP servers of ${opts.jid.domain}`,
  );
  let client: XmppClient;
  try {
    client = clientFor(s);
  } catch (e) {
    s.log.error('cannot build the client', e);
    scheduleReconnect(s, e);
    return;
  }
  const conn: Connection = { client, closed: false, online: false };
  s.conn = conn;
  conn.timer = setTimeout(() => {
    conn.error ??= Object.assign(new Error('the server did not complete the login in time'), { code: 'ETIMEDOUT' });
    destroySocket(client);
    onClose(s, conn);
  }, opts.connectTimeoutMs * 2);
  const { entity } = client;
  // What xmpp.js's reconnect module does: a new socket and stream on the same entity (start() needs 'offline').
  // Without a configured host the endpoints come from DNS SRV (srv.ts), tried in order until a socket connects.
  (async () => {
    await dialEndpoints(s, conn);
    await entity.open({ domain: entity.options.domain });
  })().catch((e: unknown) => {
    conn.error ??= e;
    s.log.info('connection attempt failed', e);
    destroySocket(client);
    onClose(s, conn);
  });
}

/**
 * A new session is bound. Stream management is enabled right after binding; stanzas crossing the `<enable/>`
 * make xmpp.js count the server's stanzas wrongly (Prosody then ends the stream: "Client acknowledged more stanzas
 * than sent by server"), so the session's first traffic waits until enabling has settled (at most 5 s).
 */
async function afterBind(s: XmppState, conn: Connection): Promise<void> {
  const sm = conn.client.sm;
  const until = Date.now() + 5000;
  while (s.smOffered && !sm.enabled && Date.now() < until && s.conn === conn && !conn.closed) {
    await new Promise((r) => setTimeout(r, 5));
    // Enabling failed: xmpp.js clears the flag it set when <enable/> went out.
    if (!sm.enabled && !(sm as unknown as { enableSent: boolean }).enableSent && Date.now() > until - 4900) break;
  }
  onOnline(s, conn, false);
}

function onOnline(s: XmppState, conn: Connection, resumed: boolean): void {
  if (s.conn !== conn || conn.closed) return;
  clearTimeout(conn.timer);
  const { entity } = conn.client;
  conn.online = true;
  s.backoff.online(s.ctx!.now());
  if (resumed) {
    // XEP-0198 §5: the session (presence, carbons, rooms) survived; the server re-sent what we had not acked.
    s.log.info('stream resumed', { jid: s.session!.full });
    s.emitConnection('online');
    csiOnline(s, s.csi, conn);
    return;
  }
  s.session!.full = entity.jid?.toString();
  s.log.info('online', { jid: s.session!.full });
  // A new session: rooms of a session that could not be resumed are left on the server; join them afresh.
  forgetRoomSessions(s);
  // Initial presence makes us available and subscribes us to contacts' presence (RFC 6121 §4.2).
  s.write(initialPresence(), conn);
  s.iq(conn, 'set', xml('enable', { xmlns: NS.carbons })).then(
    () => s.log.info('carbons enabled'),
    (e: unknown) => s.log.warn('carbons not enabled', e),
  );
  s.emitConnection('online');
  csiOnline(s, s.csi, conn);
  for (const room of s.rooms.all()) sendJoin(s, room, conn);
  // Anything that arrived while no session was up is in the archive (also when resumption failed).
  void catchUp(s, conn);
  directoryOnline(s, conn);
  // OMEMO: publish the bundles and the device in both device lists (omemo/pipeline.ts).
  if (s.omemo) void s.omemo.online((iq) => s.request(conn, iq));
}

function onClose(s: XmppState, conn: Connection): void {
  if (conn.closed) return;
  conn.closed = true;
  clearTimeout(conn.timer);
  if (s.conn !== conn) return;
  // With a resumable session (XEP-0198 id) unacked one-to-one sends stay open: resumption acks or re-sends them,
  // a failed resumption fails them ('fail' events). Without one their outcome is unknown now.
  const resumable = !s.stopping && conn.client.sm.id !== '';
  if (!resumable) s.outgoing.dropAll('the connection was lost before the server confirmed the message');
  s.iqs.dropAll('the connection was lost');
  s.mam.clear();
  s.typingSent.clear();
  if (s.stopping) {
    forgetRoomSessions(s);
    s.emitConnection('offline', 'disconnected');
    return;
  }
  if (!resumable) forgetRoomSessions(s);
  scheduleReconnect(s, conn.error);
}

function scheduleReconnect(s: XmppState, error: unknown): void {
  const delay = s.backoff.nextDelay(s.ctx!.now());
  const { state, reason } = describeClose(error);
  s.log.info('disconnected', { reason, retryInMs: delay });
  s.emitConnection(state, s.backoff.retryDetail(reason, delay));
  s.reconnectTimer = setTimeout(() => {
    if (!s.stopping) connect(s);
  }, delay);
}

/**
 * Adapter.stop: no more reconnects; an open connection says goodbye (unavailable presence with `reason`, RFC 6121
 * §4.5) and closes its stream (at most 3 s), then the socket is destroyed. Ends with an `offline` connection event.
 */
export async function stopConnection(s: XmppState, reason?: string): Promise<void> {
  s.stopping = true;
  clearTimeout(s.reconnectTimer);
  s.reconnectTimer = undefined;
  const conn = s.conn;
  const client = s.client;
  s.client = undefined;
  if (conn && !conn.closed) {
    if (conn.online && reason) s.write(xml('presence', { type: 'unavailable' }, xml('status', {}, xmlSafe(reason))), conn);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      conn.client.entity.stop().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, 3000))),
    ]);
    clearTimeout(timer);
    destroySocket(conn.client);
    onClose(s, conn);
  } else {
    // Between connections: forget the resumable session with the client.
    if (client) destroySocket(client);
    s.outgoing.dropAll('disconnected');
    s.rooms.resetAll();
    s.emitConnection('offline', 'disconnected');
  }
}

function destroySocket(client: XmppClient): void {
  const socket = client.entity.socket as { destroy?: () => void } | null;
  try {
    socket?.destroy?.();
  } catch {
    // already gone
  }
}
