/** Connectivity and TLS checks for `natter doctor`: plain words about what is wrong and how to fix it. */
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { userMessageOf } from '../core/errors.js';
import { proxyLabel, type ProxyConfig } from '../core/net/proxy.js';
import { connectViaProxy } from '../core/net/socks5.js';

export interface ProbeResult {
  ok: boolean;
  text: string;
}

export async function probeDns(host: string): Promise<ProbeResult> {
  try {
    const addrs = await lookup(host, { all: true });
    return { ok: true, text: `${host} resolves to ${addrs.map((a) => a.address).join(', ')}` };
  } catch (error) {
    return { ok: false, text: `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? error}); check the host name` };
  }
}

export function probeTcp(host: string, port: number, timeoutMs = 5000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (r: ProbeResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, text: `${host}:${port} does not answer within ${timeoutMs / 1000} s (firewall? wrong port?)` }));
    socket.once('connect', () => done({ ok: true, text: `${host}:${port} accepts connections` }));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      done({
        ok: false,
        text:
          e.code === 'ECONNREFUSED'
            ? `nothing listens on ${host}:${port}; check host and port, or whether the server runs`
            : `cannot reach ${host}:${port}: ${e.code ?? e.message}`,
      }),
    );
  });
}

/**
 * Reaches `host`:`port` through the account's SOCKS5 proxy (the name resolved by the proxy: no local DNS question,
 * which a separate DNS probe would ask).
 */
export async function probeViaProxy(proxy: ProxyConfig, host: string, port: number, timeoutMs = 20_000): Promise<ProbeResult> {
  try {
    const socket = await connectViaProxy(proxy, host, port, { timeoutMs });
    socket.destroy();
    return { ok: true, text: `${host}:${port} reached through the proxy ${proxyLabel(proxy)} (names resolved by the proxy)` };
  } catch (error) {
    return { ok: false, text: userMessageOf(error) };
  }
}

export function fingerprintOf(cert: PeerCertificate): string {
  return createHash('sha256').update(cert.raw).digest('hex').toUpperCase().match(/../g)!.join(':');
}

export function probeTls(
  host: string,
  port: number,
  options: { caFile?: string; fingerprint?: string; dangerAcceptInvalid?: boolean },
  timeoutMs = 5000,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let ca: Buffer | undefined;
    try {
      ca = options.caFile ? readFileSync(options.caFile) : undefined;
    } catch (error) {
      resolve({ ok: false, text: `cannot read ca_file ${options.caFile}: ${(error as Error).message}` });
      return;
    }
    const socket = tlsConnect({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, ca, rejectUnauthorized: false });
    const done = (r: ProbeResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, text: `no TLS handshake with ${host}:${port} within ${timeoutMs / 1000} s (is the port plain text? set tls = false)` }));
    socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, text: `TLS with ${host}:${port} failed: ${e.code ?? e.message} (is the port plain text? set tls = false)` }));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const fp = fingerprintOf(cert);
      const until = cert.valid_to ? `, valid until ${cert.valid_to}` : '';
      if (options.fingerprint) {
        done(
          fp === options.fingerprint
            ? { ok: true, text: `certificate matches the pinned tls_fingerprint${until}` }
            : { ok: false, text: `certificate fingerprint ${fp} differs from the pinned tls_fingerprint ${options.fingerprint}: the server changed its certificate, or someone is in between` },
        );
        return;
      }
      if (socket.authorized) {
        done({ ok: true, text: `certificate trusted (issued by ${cert.issuer?.O ?? cert.issuer?.CN ?? 'unknown'}${until})` });
      } else if (options.dangerAcceptInvalid) {
        done({ ok: true, text: `certificate NOT verified (${socket.authorizationError}); tls_danger_accept_invalid_certs is on` });
      } else {
        done({
          ok: false,
          text: `certificate not trusted: ${socket.authorizationError}. If this server uses its own certificate, set ca_file to it, or pin tls_fingerprint = "${fp}"`,
        });
      }
    });
  });
}
