/**
 * The email account's config keys (validated by src/config/schema.ts: address, imap_*, smtp_*, ca_file,
 * tls_danger_accept_invalid_certs, display_name, poll_interval_ms, max_message_bytes, …) read into typed options with defaults.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../../src/core/errors.js';
import type { ProxyConfig } from '../../src/core/net/proxy.js';
import { normalizeAddress } from './address.js';
import { pinnedTlsOptions } from './tls-pin.js';

export type MailSecurity = 'tls' | 'starttls';

export interface EmailOptions {
  /** The account's own address, case-folded. */
  address: string;
  domain: string;
  imapHost: string;
  imapPort: number;
  imapSecurity: MailSecurity;
  smtpHost: string;
  smtpPort: number;
  smtpSecurity: MailSecurity;
  caFile?: string;
  /** Uppercase colon-separated SHA-256 fingerprint the servers' certificate must have. */
  fingerprint?: string;
  acceptInvalidCerts: boolean;
  /** Fallback poll while IDLE is up, in ms: catches a server that misses an IDLE notification. */
  pollIntervalMs: number;
  /** Ordinary mail (no Chat-Version) from known contacts is shown as chat too. */
  classicFromContacts: boolean;
  /** Messages larger than this (RFC822.SIZE) are not downloaded; a placeholder is shown. */
  maxMessageBytes: number;
  connectTimeoutMs: number;
  /** Own display name for the From header of chat messages (config display_name); none: the bare address. */
  displayName?: string;
  /** The config named no IMAP host / no SMTP host: autoconfig.ts finds them when the adapter starts. */
  discoverImap: boolean;
  discoverSmtp: boolean;
  /** The account's SOCKS5 proxy (set by the adapter from the context); every connection goes through it. */
  proxy?: ProxyConfig;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
const sec = (v: unknown): MailSecurity => (v === 'starttls' ? 'starttls' : 'tls');

/** Pins are compared in OpenSSL's form: uppercase hex pairs joined by colons. */
function normalizeFingerprint(v: string | undefined): string | undefined {
  const hex = v?.replace(/[:\s]/g, '').toUpperCase();
  return hex && /^[0-9A-F]{64}$/.test(hex) ? hex.match(/../g)!.join(':') : undefined;
}

export function readOptions(config: Readonly<Record<string, unknown>>): EmailOptions {
  const address = normalizeAddress(str(config.address) ?? '');
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) throw new ConfigError('config', undefined, 'address', 'needs an email address such as "alice@example.org"');
  const domain = address.slice(at + 1);
  const imapSecurity = sec(config.imap_security);
  const smtpSecurity = sec(config.smtp_security);
  return {
    address,
    domain,
    // Well-known defaults when the host is omitted: the conventional names under the address's domain.
    imapHost: str(config.imap_host) ?? `imap.${domain}`,
    imapPort: num(config.imap_port) ?? (imapSecurity === 'tls' ? 993 : 143),
    imapSecurity,
    smtpHost: str(config.smtp_host) ?? `smtp.${domain}`,
    smtpPort: num(config.smtp_port) ?? (smtpSecurity === 'tls' ? 465 : 587),
    smtpSecurity,
    caFile: str(config.ca_file),
    fingerprint: normalizeFingerprint(str(config.tls_fingerprint)),
    acceptInvalidCerts: config.tls_danger_accept_invalid_certs === true,
    pollIntervalMs: num(config.poll_interval_ms) ?? 60_000,
    classicFromContacts: config.classic_mail_from_contacts === true,
    maxMessageBytes: num(config.max_message_bytes) ?? 50 * 1024 * 1024,
    connectTimeoutMs: num(config.connect_timeout_ms) ?? 20_000,
    ...(str(config.display_name) ? { displayName: str(config.display_name)! } : {}),
    discoverImap: str(config.imap_host) === undefined,
    discoverSmtp: str(config.smtp_host) === undefined,
  };
}

/**
 * TLS options for IMAP or SMTP: with tls_fingerprint, only the pinned certificate (tls-pin.ts); else ca_file added
 * to the trust store, verification off only when the user said so (tls_danger_accept_invalid_certs).
 */
export async function connectionTls(opts: EmailOptions, dialect: 'imap' | 'smtp'): Promise<ConnectionOptions> {
  const servername = /^[\d.]+$|:/.test(opts.domain) ? undefined : opts.domain;
  if (opts.fingerprint) {
    const imap = dialect === 'imap';
    return pinnedTlsOptions({
      host: imap ? opts.imapHost : opts.smtpHost,
      port: imap ? opts.imapPort : opts.smtpPort,
      starttls: (imap ? opts.imapSecurity : opts.smtpSecurity) === 'starttls',
      dialect,
      pin: opts.fingerprint,
      ...(servername ? { servername } : {}),
      timeoutMs: opts.connectTimeoutMs,
      ...(opts.proxy ? { proxy: opts.proxy } : {}),
    });
  }
  return tlsOptions(opts, opts.domain);
}

/** TLS options for IMAP and SMTP: ca_file added to the trust store, verification off only when the user said so. */
export function tlsOptions(opts: EmailOptions, servername: string): { ca?: Buffer[]; rejectUnauthorized: boolean; servername?: string } {
  let ca: Buffer[] | undefined;
  if (opts.caFile) {
    try {
      ca = [readFileSync(opts.caFile)];
    } catch (e) {
      throw Object.assign(new Error(`cannot read ca_file ${opts.caFile}: ${(e as Error).message}`), { code: 'CA_FILE' });
    }
  }
  const ip = /^[\d.]+$|:/.test(servername);
  return { ...(ca ? { ca } : {}), rejectUnauthorized: !opts.acceptInvalidCerts, ...(ip ? {} : { servername }) };
}
