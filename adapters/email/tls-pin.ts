/**
 * Certificate pinning (tls_fingerprint) for IMAP and SMTP, whose libraries (imapflow, nodemailer) run their own TLS
 * handshakes and offer no hook between the handshake and the login. So a short probe connection fetches the server's
 * certificate chain first (for STARTTLS after the protocol's upgrade command); if the leaf's SHA-256 fingerprint is
 * the pinned one, the real connection trusts exactly that chain and additionally checks the leaf's fingerprint in
 * checkServerIdentity. A server that presents another certificate on the real connection fails the handshake before
 * any password is sent.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { ProxyConfig } from '../../src/core/net/proxy.js';
import { proxiedSocket } from './proxy.js';
import { connect as tlsConnect, type ConnectionOptions, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';

export class PinMismatch extends Error {
  readonly code = 'PIN_MISMATCH';
}

type Dialect = 'imap' | 'smtp';

/** Reads from `socket` until `done(buffered text)` holds; rejects after `ms`. */
function readUntil(socket: Socket, done: (text: string) => boolean, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => finish(new Error('the server did not answer in time')), ms);
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      if (done(text)) finish();
    };
    const onError = (e: Error) => finish(e);
    const finish = (e?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      if (e) reject(e);
      else resolve(text);
    };
    socket.on('data', onData);
    socket.on('error', onError);
  });
}

/** A plain TCP connection, direct or through the proxy (flowing once a reader listens). */
async function open(host: string, port: number, ms: number, proxy: ProxyConfig | undefined): Promise<Socket> {
  return proxy ? proxiedSocket(proxy, host, port, ms) : netConnect({ host, port });
}

/** Runs the protocol's STARTTLS exchange on a fresh plain connection and returns the socket ready for TLS. */
async function startTls(host: string, port: number, dialect: Dialect, ms: number, proxy?: ProxyConfig): Promise<Socket> {
  const socket = await open(host, port, ms, proxy);
  try {
    if (dialect === 'imap') {
      await readUntil(socket, (t) => t.includes('\r\n'), ms);
      socket.write('p1 STARTTLS\r\n');
      const answer = await readUntil(socket, (t) => /^p1 /m.test(t), ms);
      if (!/^p1 OK/m.test(answer)) throw new Error('the server refused STARTTLS');
    } else {
      const lastLine = (code: string) => (t: string) => new RegExp(`^${code} .*\\r\\n`, 'm').test(t) || /^[45]\d\d .*\r\n/m.test(t);
      await readUntil(socket, lastLine('220'), ms);
      socket.write('EHLO natter\r\n');
      await readUntil(socket, lastLine('250'), ms);
      socket.write('STARTTLS\r\n');
      const answer = await readUntil(socket, lastLine('220'), ms);
      if (!/^220 /m.test(answer)) throw new Error('the server refused STARTTLS');
    }
    return socket;
  } catch (e) {
    socket.destroy();
    throw e;
  }
}

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The presented chain, leaf first, as PEM. */
function chainOf(cert: DetailedPeerCertificate): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let c: DetailedPeerCertificate | undefined = cert;
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(pem(c.raw));
    c = c.issuerCertificate;
  }
  return out;
}

/**
 * TLS options that accept only a server whose certificate has SHA-256 fingerprint `pin` (uppercase, colons), for a
 * connection to `host:port` with implicit TLS or STARTTLS in the given protocol. Throws {@link PinMismatch} when the
 * server presents another certificate.
 */
export async function pinnedTlsOptions(o: {
  host: string;
  port: number;
  starttls: boolean;
  dialect: Dialect;
  pin: string;
  servername?: string;
  timeoutMs: number;
  /** The probe goes through this proxy too (the host name is resolved by the proxy). */
  proxy?: ProxyConfig;
}): Promise<ConnectionOptions> {
  const plain = o.starttls ? await startTls(o.host, o.port, o.dialect, o.timeoutMs, o.proxy) : o.proxy ? await open(o.host, o.port, o.timeoutMs, o.proxy) : undefined;
  const cert = await new Promise<DetailedPeerCertificate>((resolve, reject) => {
    const s = tlsConnect({ ...(plain ? { socket: plain } : { host: o.host, port: o.port }), rejectUnauthorized: false, ...(o.servername ? { servername: o.servername } : {}) });
    const timer = setTimeout(() => (s.destroy(), reject(new Error('TLS handshake timed out'))), o.timeoutMs);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      const c = s.getPeerCertificate(true);
      s.destroy();
      plain?.destroy();
      resolve(c);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      plain?.destroy();
      reject(e);
    });
  });
  const presented = cert.fingerprint256?.toUpperCase();
  if (presented !== o.pin) throw new PinMismatch(`server certificate fingerprint ${presented ?? '(none)'} does not match the pinned tls_fingerprint`);
  return {
    ca: chainOf(cert),
    rejectUnauthorized: true,
    // The chain is trusted only for this leaf: any other certificate under it fails here.
    checkServerIdentity: (_host: string, c: PeerCertificate) =>
      c.fingerprint256?.toUpperCase() === o.pin ? undefined : new PinMismatch('server certificate changed after the fingerprint check'),
    ...(o.servername ? { servername: o.servername } : {}),
  };
}
