/**
 * The XMPP account's config keys (validated by src/config/schema.ts) read into typed options with defaults.
 */
import { ConfigError } from '../../src/core/errors.js';
import type { ProxyConfig } from '../../src/core/net/proxy.js';
import { parseJid, type Jid } from './jid.js';

export interface XmppOptions {
  /** The account's bare JID, folded. */
  jid: Jid;
  bare: string;
  /** Where to connect; defaults to the JID's domain. */
  host: string;
  port: number;
  /** Resource prefix; a random suffix keeps two sessions of one account apart. */
  resource: string;
  /** `starttls` (RFC 6120 §5) or `direct` TLS (XEP-0368). Plain text is never allowed. */
  tls: 'starttls' | 'direct';
  caFile?: string;
  /** Uppercase colon-separated SHA-256 fingerprint of the server certificate. */
  fingerprint?: string;
  acceptInvalidCerts: boolean;
  connectTimeoutMs: number;
  /** Whether `host` / `port` were configured; without a host the endpoints come from DNS SRV (srv.ts). */
  hostConfigured: boolean;
  portConfigured: boolean;
  /**
   * Test seam, not a user setting (the config schema does not pass it): `_dns_servers`, resolver addresses such as
   * `127.0.0.1:5353` used instead of the system's for the SRV lookup, so tests can serve records from loopback.
   */
  dnsServers?: string[];
  /**
   * `_one_shot`, set by natter's one-shot commands (`natter send`, `natter doctor`), never by the user: the session
   * changes nothing lasting on the account, so the bookmarks are neither read (no autojoin) nor written (a room
   * joined to send one message is not bookmarked).
   */
  oneShot: boolean;
  /**
   * The account's SOCKS5 proxy (set by the adapter from `ctx.config.proxy` and the `proxy_password` secret). With it
   * no DNS question is asked locally: no SRV lookup (srv.ts), and the host name goes to the proxy.
   */
  proxy?: ProxyConfig;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Pins are compared in OpenSSL's form: uppercase hex pairs joined by colons. */
export function normalizeFingerprint(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const hex = v.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

export function readOptions(config: Readonly<Record<string, unknown>>): XmppOptions {
  const jid = parseJid(str(config.jid));
  if (!jid || !jid.local) throw new ConfigError('config', undefined, 'jid', 'needs a bare JID such as "alice@example.org"');
  const tls = config.tls === 'direct' ? 'direct' : 'starttls';
  const port = typeof config.port === 'number' && config.port > 0 ? config.port : tls === 'direct' ? 5223 : 5222;
  return {
    jid: { ...jid, resource: '' },
    bare: `${jid.local}@${jid.domain}`,
    host: str(config.host) ?? jid.domain,
    port,
    resource: str(config.resource) ?? 'natter',
    tls,
    caFile: str(config.ca_file),
    fingerprint: normalizeFingerprint(str(config.tls_fingerprint)),
    acceptInvalidCerts: config.tls_danger_accept_invalid_certs === true,
    connectTimeoutMs: typeof config.connect_timeout_ms === 'number' ? config.connect_timeout_ms : 20_000,
    hostConfigured: str(config.host) !== undefined,
    portConfigured: typeof config.port === 'number' && config.port > 0,
    oneShot: config._one_shot === true,
    ...(Array.isArray(config._dns_servers) ? { dnsServers: config._dns_servers.filter((v): v is string => typeof v === 'string') } : {}),
  };
}
