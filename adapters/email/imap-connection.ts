/**
 * The IMAP connection lifecycle (imapflow): connect with implicit TLS or STARTTLS (never in the clear), log in,
 * open INBOX, sync, then wait for news with IDLE (RFC 2177; imapflow idles whenever no command runs) plus a fallback
 * poll. A dropped connection reconnects with the core backoff; every new connection syncs first, so mail that came
 * while offline is fetched once (sync.ts keeps UIDVALIDITY and the last UID in kv).
 */
import { ImapFlow } from 'imapflow';
import { proxyLabel } from '../../src/core/net/proxy.js';
import { describeClose } from './close-reason.js';
import type { ConnectionOptions } from 'node:tls';
import { connectionTls } from './options.js';
import { imapProxyUrl, proxiedSocket } from './proxy.js';
import type { EmailState, ImapConnection } from './state.js';
import { requestSync } from './sync.js';

/** Starts one connection attempt; its failure or close leads to onClose (and a scheduled retry). */
export function connect(s: EmailState): void {
  const opts = s.opts!;
  s.reconnectTimer = undefined;
  const via = opts.proxy ? ` through ${proxyLabel(opts.proxy)}` : '';
  s.emitConnection('connecting', `connecting to ${opts.imapHost}:${opts.imapPort} (${opts.imapSecurity === 'tls' ? 'TLS' : 'STARTTLS'})${via}`);
  connectionTls(opts, 'imap')
    .then(async (tls) => {
      // Implicit TLS behind a proxy: natter's SOCKS5 client opens the tunnel and TLS runs over it (imapflow's
      // tls.connect takes the `socket` option). imapflow's own proxy support passes %-encoded logins to the proxy.
      if (opts.proxy && opts.imapSecurity === 'tls') return { ...tls, socket: await proxiedSocket(opts.proxy, opts.imapHost, opts.imapPort, opts.connectTimeoutMs) };
      return tls;
    })
    .then(
    (tls) => {
      if (!s.stopping) open(s, tls);
      else tls.socket?.destroy();
    },
    (e: unknown) => {
      s.log.info('TLS set-up failed', { error: (e as Error).message });
      if (!s.stopping) scheduleReconnect(s, e);
    },
  );
}

function open(s: EmailState, tls: ConnectionOptions): void {
  const opts = s.opts!;
  let client: ImapFlow;
  try {
    client = new ImapFlow({
      host: opts.imapHost,
      port: opts.imapPort,
      secure: opts.imapSecurity === 'tls',
      // STARTTLS is required, never optional: a server that does not offer it gets no password.
      ...(opts.imapSecurity === 'starttls' ? { doSTARTTLS: true } : {}),
      tls,
      // STARTTLS behind a proxy: imapflow's SOCKS5 client connects through it, the host name unresolved.
      ...(opts.proxy && !tls.socket ? { proxy: imapProxyUrl(opts.proxy) } : {}),
      auth: { user: opts.address, pass: s.password },
      logger: false,
      connectionTimeout: opts.connectTimeoutMs,
      greetingTimeout: opts.connectTimeoutMs,
      // IDLE is broken and restarted this often; the restart is also when a lost notification would be noticed.
      maxIdleTime: Math.min(opts.pollIntervalMs, 5 * 60_000),
      emitLogs: false,
      // imapflow's own auto-IDLE waits 15 s after the last command; sync.ts enters IDLE right after each pass.
      disableAutoIdle: true,
    });
  } catch (e) {
    scheduleReconnect(s, e);
    return;
  }
  const conn: ImapConnection = { client, closed: false, online: false };
  s.conn = conn;
  client.on('error', (e: unknown) => {
    conn.error ??= e;
    s.log.debug('imap error', e);
  });
  client.on('close', () => onClose(s, conn));
  // EXISTS while idling (or after any command): new mail in INBOX.
  client.on('exists', () => {
    if (conn.online) requestSync(s, conn);
  });
  (async () => {
    await client.connect();
    await client.mailboxOpen('INBOX');
    if (conn.closed || s.conn !== conn) return;
    conn.online = true;
    s.backoff.online(s.ctx!.now());
    s.log.info('online', { host: opts.imapHost, port: opts.imapPort });
    s.emitConnection('online');
    requestSync(s, conn);
    clearInterval(s.pollTimer);
    s.pollTimer = setInterval(() => {
      if (conn.online && !conn.closed) requestSync(s, conn);
    }, opts.pollIntervalMs);
  })().catch((e: unknown) => {
    conn.error ??= e;
    s.log.info('connection attempt failed', { error: (e as Error).message, code: (e as { code?: string }).code });
    try {
      client.close();
    } catch {
      // already closed
    }
    onClose(s, conn);
  });
}

function onClose(s: EmailState, conn: ImapConnection): void {
  if (conn.closed) return;
  conn.closed = true;
  conn.online = false;
  if (s.conn !== conn) return;
  clearInterval(s.pollTimer);
  s.pollTimer = undefined;
  if (s.stopping) {
    s.emitConnection('offline', 'disconnected');
    return;
  }
  scheduleReconnect(s, conn.error);
}

function scheduleReconnect(s: EmailState, error: unknown): void {
  const delay = s.backoff.nextDelay(s.ctx!.now());
  const { state, reason } = describeClose(error);
  s.log.info('disconnected', { reason, retryInMs: delay });
  s.emitConnection(state, s.backoff.retryDetail(reason, delay));
  s.reconnectTimer = setTimeout(() => {
    if (!s.stopping) connect(s);
  }, delay);
}

/** Adapter.stop: no more reconnects; the running sync pass ends, then LOGOUT (at most 3 s). Ends `offline`. */
export async function stopConnection(s: EmailState): Promise<void> {
  s.stopping = true;
  clearTimeout(s.reconnectTimer);
  s.reconnectTimer = undefined;
  clearInterval(s.pollTimer);
  s.pollTimer = undefined;
  const conn = s.conn;
  if (conn && !conn.closed) {
    const settle = <T>(p: Promise<T> | undefined) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      return Promise.race([Promise.resolve(p).catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 3000)))]).finally(() => clearTimeout(timer));
    };
    await settle(s.syncing);
    await settle(conn.online ? conn.client.logout() : undefined);
    try {
      conn.client.close();
    } catch {
      // already closed
    }
    onClose(s, conn);
  } else {
    s.emitConnection('offline', 'disconnected');
  }
}
