/**
 * The IRC account's config section, read from `ctx.config` (snake_case keys; the config layer already applied
 * defaults, these fallbacks only protect against a hand-built context).
 */
export interface ChannelSpec {
  name: string;
  key?: string;
}

export interface IrcOptions {
  host: string;
  port: number;
  /** Implicit TLS (no STARTTLS). */
  tls: boolean;
  nick: string;
  username: string;
  realname: string;
  saslUsername?: string;
  channels: ChannelSpec[];
  ctcpVersion: boolean;
  altNicks: string[];
  floodBurst: number;
  floodIntervalMs: number;
  /** PEM file trusted as CA for the server certificate. */
  caFile?: string;
  /** SHA-256 of the server's leaf certificate, uppercase hex with colons: the connection is refused on mismatch. */
  tlsFingerprint?: string;
  tlsDangerAcceptInvalidCerts: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : d);
const bool = (v: unknown, d: boolean): boolean => (typeof v === 'boolean' ? v : d);

/** Parses "#chan" or "#chan key" (a key never contains spaces). */
export function parseChannelSpec(spec: string): ChannelSpec | undefined {
  const [name, key] = spec.trim().split(/\s+/, 2);
  if (!name) return undefined;
  return key ? { name, key } : { name };
}

/** Normalizes a fingerprint written as hex with or without colons, any case, to `AA:BB:…`. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return hex.match(/.{1,2}/g)?.join(':') ?? '';
}

export function readOptions(config: Readonly<Record<string, unknown>>): IrcOptions {
  const tls = bool(config.tls, true);
  const nick = str(config.nick) ?? 'natter';
  const channels = Array.isArray(config.channels)
    ? config.channels.flatMap((c) => (typeof c === 'string' ? (parseChannelSpec(c) ?? []) : []))
    : [];
  const fp = str(config.tls_fingerprint);
  return {
    host: str(config.host) ?? '127.0.0.1',
    port: num(config.port, tls ? 6697 : 6667),
    tls,
    nick,
    username: str(config.username) ?? nick,
    realname: str(config.realname) ?? nick,
    saslUsername: str(config.sasl_username),
    channels,
    ctcpVersion: bool(config.ctcp_version, false),
    altNicks: Array.isArray(config.alt_nicks) ? config.alt_nicks.filter((n): n is string => typeof n === 'string' && n.length > 0) : [],
    floodBurst: num(config.flood_burst, 5),
    floodIntervalMs: num(config.flood_interval_ms, 500),
    caFile: str(config.ca_file),
    tlsFingerprint: fp ? normalizeFingerprint(fp) : undefined,
    tlsDangerAcceptInvalidCerts: bool(config.tls_danger_accept_invalid_certs, false),
  };
}

/**
 * The nick to try after `attempt` collisions (433/436 during registration): the configured alternatives, then
 * nick_, nick__, then nick1, nick2, … (https://modern.ircdocs.horse/#errnicknameinuse-433).
 */
export function fallbackNick(nick: string, altNicks: readonly string[], attempt: number): string {
  if (attempt < altNicks.length) return altNicks[attempt]!;
  const k = attempt - altNicks.length;
  if (k === 0) return `${nick}_`;
  if (k === 1) return `${nick}__`;
  return `${nick}${k - 1}`;
}
