/**
 * A small SOCKS5 client (RFC 1928) with username/password login (RFC 1929), for every adapter's TCP connections.
 *
 * Host names go to the proxy as address type DOMAIN (0x03) and are never resolved locally: with a proxy set, natter
 * makes no DNS query of its own for a server (Tor's SOCKS port resolves them, nothing leaks). IP literals are sent as
 * IPv4 (0x01) / IPv6 (0x04) addresses. Only CONNECT is used.
 *
 * `connectViaProxy` returns a plain connected `net.Socket` that carries the target's byte stream, so callers put TLS
 * on it with `tls.connect({ socket, servername })` exactly as on a direct socket. Bytes the target sent in the same
 * read as the proxy's reply are kept (unshifted) for the caller.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { proxyLabel, type ProxyConfig } from './proxy.js';
import { ProxyError, replyMessage, socketErrorWords } from './socks5-errors.js';

export { ProxyError, type ProxyErrorCode } from './socks5-errors.js';

export interface ProxyConnectOptions {
  /** Time limit for reaching the proxy and the whole handshake (default 30 s: Tor circuits can be slow). */
  timeoutMs?: number;
  /** Cancels the attempt: the socket is destroyed and the promise rejects with code `PROXY_ABORTED`. */
  signal?: AbortSignal;
}

const VERSION = 0x05;
const METHOD_NONE = 0x00;
const METHOD_USERPASS = 0x02;
const METHOD_REFUSED = 0xff;
const CMD_CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Opens a TCP connection to `host`:`port` through the SOCKS5 proxy. Resolves with the connected socket once the proxy
 * reports success; rejects with a {@link ProxyError} whose message is plain words for the status line ("the proxy
 * could not reach irc.example.org: host unreachable"). The target name is resolved by the proxy, never locally.
 */
export async function connectViaProxy(proxy: ProxyConfig, host: string, port: number, options: ProxyConnectOptions = {}): Promise<Socket> {
  const label = proxyLabel(proxy);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (options.signal?.aborted) throw new ProxyError('PROXY_ABORTED', 'the connection attempt was cancelled');
  const socket = netConnect({ host: proxy.host, port: proxy.port });
  socket.setNoDelay(true);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new ProxyError('PROXY_TIMEOUT', `the proxy ${label} did not answer in time`));
    }, timeoutMs);
    onAbort = () => reject(new ProxyError('PROXY_ABORTED', 'the connection attempt was cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', (e: NodeJS.ErrnoException) =>
          reject(new ProxyError('PROXY_UNREACHABLE', `the proxy ${label} is not reachable: ${socketErrorWords(e.code, e.message)}`, { cause: e })),
        );
      }),
      stop,
    ]);
    await Promise.race([socks5Handshake(socket, proxy, host, port), stop]);
    return socket;
  } catch (e) {
    socket.destroy();
    throw e;
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    socket.removeAllListeners('connect');
    socket.removeAllListeners('error');
    // An error after success belongs to the caller, who attaches its own listener; until then none may crash.
    socket.on('error', () => {});
  }
}

/**
 * The SOCKS5 handshake on an already connected stream: method selection (RFC 1928 §3), username/password login when
 * the proxy asks for it (RFC 1929 §2), CONNECT (RFC 1928 §4) and the reply (§6). Resolves once the stream carries the
 * target's bytes; rejects with a {@link ProxyError}. Reads may arrive split at any byte.
 */
export async function socks5Handshake(stream: Duplex, proxy: ProxyConfig, host: string, port: number): Promise<void> {
  const label = proxyLabel(proxy);
  const target = host;
  const address = encodeAddress(host, label);
  const reader = new ByteReader(stream, label);
  try {
    const login = proxy.username !== undefined;
    // Offer "no login" too when we have credentials: a proxy without logins then still works (curl does the same);
    // Tor picks username/password when offered, which is what isolates its circuits per login.
    stream.write(Buffer.from(login ? [VERSION, 2, METHOD_NONE, METHOD_USERPASS] : [VERSION, 1, METHOD_NONE]));
    const [version, method] = await reader.read(2);
    if (version !== VERSION) throw new ProxyError('PROXY_PROTOCOL', `${label} is not a SOCKS5 proxy (it answered something else)`);
    if (method === METHOD_REFUSED) {
      throw new ProxyError(
        'PROXY_AUTH',
        login
          ? `the proxy ${label} accepts none of natter's login methods (none, user name and password)`
          : `the proxy ${label} requires a login: put user:password@ before the host in the proxy URL`,
      );
    }
    if (method === METHOD_USERPASS) {
      if (!login) throw new ProxyError('PROXY_PROTOCOL', `the proxy ${label} chose a login method natter did not offer`);
      const user = Buffer.from(proxy.username!, 'utf8');
      const pass = Buffer.from(proxy.password ?? '', 'utf8');
      stream.write(Buffer.concat([Buffer.from([0x01, user.length]), user, Buffer.from([pass.length]), pass]));
      const [, status] = await reader.read(2);
      // RFC 1929 §2: status 0x00 is success, anything else is failure (the proxy then closes the connection).
      if (status !== 0x00) throw new ProxyError('PROXY_AUTH', `the proxy ${label} refused the user name and password`);
    } else if (method !== METHOD_NONE) {
      throw new ProxyError('PROXY_PROTOCOL', `the proxy ${label} chose a login method natter did not offer (0x${method!.toString(16)})`);
    }
    stream.write(Buffer.concat([Buffer.from([VERSION, CMD_CONNECT, 0x00]), address, Buffer.from([port >> 8, port & 0xff])]));
    const [ver, reply, , atyp] = await reader.read(4);
    if (ver !== VERSION) throw new ProxyError('PROXY_PROTOCOL', `${label} is not a SOCKS5 proxy (it answered something else)`);
    if (reply !== 0x00) throw new ProxyError('PROXY_REPLY', replyMessage(reply!, target), { reply });
    // BND.ADDR and BND.PORT: read and ignored (the address the proxy used for us), but they must be consumed.
    if (atyp === ATYP_IPV4) await reader.read(4 + 2);
    else if (atyp === ATYP_IPV6) await reader.read(16 + 2);
    else if (atyp === ATYP_DOMAIN) await reader.read((await reader.read(1))[0]! + 2);
    else throw new ProxyError('PROXY_PROTOCOL', `the proxy ${label} sent a reply natter cannot read (address type ${atyp})`);
  } finally {
    reader.detach();
  }
}

/** ATYP and DST.ADDR for `host`: an IP literal as such, anything else as a DOMAIN for the proxy to resolve. */
function encodeAddress(host: string, label: string): Buffer {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const kind = isIP(bare);
  if (kind === 4) return Buffer.from([ATYP_IPV4, ...bare.split('.').map(Number)]);
  if (kind === 6) return Buffer.concat([Buffer.from([ATYP_IPV6]), ipv6Bytes(bare)]);
  const name = Buffer.from(bare.replace(/\.$/, ''), 'utf8');
  if (name.length === 0 || name.length > 255) {
    throw new ProxyError('PROXY_PROTOCOL', `cannot ask the proxy ${label} for the host name "${host}": it must be 1–255 bytes`);
  }
  return Buffer.concat([Buffer.from([ATYP_DOMAIN, name.length]), name]);
}

/** The 16 bytes of an IPv6 address in any RFC 4291 §2.2 text form (with `::` and a trailing dotted IPv4). */
export function ipv6Bytes(text: string): Buffer {
  let s = text.replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s)?.[1];
  if (v4) {
    const p = v4.split('.').map(Number);
    s = s.slice(0, -v4.length) + `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const part = (x: string | undefined) => (x ? x.split(':') : []);
  const groups = tail === undefined ? part(head) : [...part(head), ...Array(8 - part(head).length - part(tail).length).fill('0'), ...part(tail)];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** Reads exact byte counts from a stream whatever the chunking; gives the rest back to the stream when detached. */
class ByteReader {
  private buffer = Buffer.alloc(0);
  private waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private readonly onData = (d: Buffer) => {
    this.buffer = Buffer.concat([this.buffer, d]);
    this.pump();
  };
  private readonly onEnd = () => this.fail(new ProxyError('PROXY_PROTOCOL', `the proxy ${this.label} closed the connection during the SOCKS5 handshake`));
  private readonly onError = (e: NodeJS.ErrnoException) =>
    this.fail(new ProxyError('PROXY_PROTOCOL', `the connection to the proxy ${this.label} failed: ${socketErrorWords(e.code, e.message)}`, { cause: e }));

  constructor(private readonly stream: Duplex, private readonly label: string) {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  read(n: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { n, resolve, reject };
      this.pump();
    });
  }

  private pump(): void {
    const w = this.waiting;
    if (!w || this.buffer.length < w.n) return;
    this.waiting = undefined;
    const out = this.buffer.subarray(0, w.n);
    this.buffer = this.buffer.subarray(w.n);
    w.resolve(out);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(this.failure);
  }

  /** Stops listening; bytes read beyond the handshake (the target's first bytes) go back into the stream. */
  detach(): void {
    // Pause first: a flowing stream without a 'data' listener would drop what arrives next.
    this.stream.pause();
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onError);
    if (this.buffer.length > 0 && !this.failure) this.stream.unshift(this.buffer);
    this.buffer = Buffer.alloc(0);
  }
}
