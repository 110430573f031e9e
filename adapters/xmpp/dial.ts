/**
 * Opens the socket of one connection attempt: the endpoints from srv.ts (the configured host, or the DNS SRV targets
 * in priority/weight order, or the domain itself) are tried one after another until a socket connects (and, for
 * direct TLS, the certificate checks pass). The stream is opened by the caller.
 */
import type { Connection, XmppState } from './state.js';
import { resolveEndpoints, serviceUri } from './srv.js';

/** How long a failed socket may take to report its close before the next endpoint is tried anyway. */
const CLOSE_WAIT_MS = 2000;

/** Connects `conn`'s entity to the first endpoint that accepts; rejects with the last failure when none does. */
export async function dialEndpoints(s: XmppState, conn: Connection): Promise<void> {
  const opts = s.opts!;
  const endpoints = await resolveEndpoints(opts);
  const entity = conn.client.entity;
  let last: unknown;
  conn.dialing = true;
  try {
    for (const ep of endpoints) {
      if (s.conn !== conn || conn.closed) throw new Error('the connection attempt was replaced');
      if (!opts.hostConfigured && !opts.proxy) s.emitConnection('connecting', `connecting to ${ep.host}:${ep.port} (${ep.direct ? 'TLS' : 'STARTTLS'})`);
      try {
        await entity.connect(serviceUri(ep));
        s.log.info('connected', { host: ep.host, port: ep.port, tls: ep.direct ? 'direct' : 'starttls' });
        return;
      } catch (e) {
        last = e;
        s.log.info('endpoint failed', { host: ep.host, port: ep.port, error: e instanceof Error ? e.message : String(e) });
        await socketGone(conn);
      }
    }
  } finally {
    conn.dialing = false;
  }
  throw last ?? new Error('no server to connect to');
}

/**
 * Waits until the failed socket has closed (xmpp.js detaches "the" socket on close, so a new one must not be attached
 * before the old one is gone), destroying it first.
 */
async function socketGone(conn: Connection): Promise<void> {
  const entity = conn.client.entity;
  const socket = entity.socket as { destroy?: () => void } | null;
  try {
    socket?.destroy?.();
  } catch {
    // already gone
  }
  const until = Date.now() + CLOSE_WAIT_MS;
  while (entity.socket && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}
