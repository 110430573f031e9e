/**
 * The Matrix account's config keys (validated by src/config/schema.ts, `matrixShape`) read into typed options.
 */
import { ConfigError } from '../../src/core/errors.js';

export interface MatrixOptions {
  /** Full user id, `@alice:example.org`. */
  userId: string;
  /** The server name part of the user id (`example.org`), used for `.well-known` discovery. */
  serverName: string;
  /** Client-server API base URL; undefined means discover it from `https://<serverName>/.well-known/matrix/client`. */
  homeserver?: string;
  /** Display name of the device created at login (shown to other users in device lists). */
  deviceName: string;
  /** Events per room in the initial sync and in each later limited timeline (the sync filter's `timeline.limit`). */
  timelineLimit: number;
  /** Long-poll timeout of /sync in ms. */
  pollTimeoutMs: number;
  /** PEM file of CA certificates to trust for the homeserver (http-transport.ts). */
  caFile?: string;
  /** Uppercase colon-separated SHA-256 fingerprint the homeserver certificate must have. */
  fingerprint?: string;
  acceptInvalidCerts: boolean;
  /** Largest attachment `download` fetches (`max_download_mb`), in bytes. */
  maxDownloadBytes: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback);

export function readOptions(config: Readonly<Record<string, unknown>>): MatrixOptions {
  const userId = str(config.user);
  const m = userId ? /^@[^:\s]+:(\S+)$/.exec(userId) : null;
  if (!userId || !m) throw new ConfigError('config', undefined, 'user', 'needs a Matrix user id such as "@alice:example.org"');
  const homeserver = str(config.homeserver)?.replace(/\/+$/, '');
  return {
    userId,
    serverName: m[1]!,
    homeserver,
    deviceName: str(config.device_name) ?? 'natter',
    timelineLimit: num(config.timeline_limit, 20),
    pollTimeoutMs: num(config.poll_timeout_ms, 30_000),
    caFile: str(config.ca_file),
    fingerprint: str(config.tls_fingerprint)?.toUpperCase(),
    acceptInvalidCerts: config.tls_danger_accept_invalid_certs === true,
    maxDownloadBytes: num(config.max_download_mb, 100) * 1024 * 1024,
  };
}
