/**
 * Starts a private Prosody 0.12 (Debian package `prosody`) on loopback for integration tests.
 *
 * Everything lives in a fresh temp dir: the config (`prosody.cfg.lua`), the data dir, a self-signed certificate made
 * with the `openssl` CLI (CN=localhost, SAN DNS:localhost, DNS:muc.localhost, IP:127.0.0.1) that clients trust through
 * `ca_file`, and the server's log. The client ports (STARTTLS and direct TLS, XEP-0368) are random free loopback ports;
 * s2s and the component port are off. HTTP and HTTPS (the same certificate) listen on random loopback ports for
 * HTTP File Upload (XEP-0363): the component `upload.localhost` runs `http_file_share`, and its URLs name `localhost`
 * (`http_host`), so clients reach them on 127.0.0.1 and verify the certificate with the same `ca_file`. Prosody runs in the foreground (`-F`), so the harness owns its PID.
 *
 * Loaded modules: roster, saslauth, tls, disco, carbons, pep, mam, smacks, blocklist, bookmarks, ping, vcard4,
 * private, offline, csi, csi_simple (options: {@link ProsodyConfigOptions}); plus a MUC component `muc.localhost`
 * with muc_mam and XEP-0425 moderation (prosody-moderation.ts). New rooms stay locked until the creator
 * submits the configuration (Prosody's default, XEP-0045 §10.1.2).
 *
 * Under `CI=true` a server that cannot start is an error (the caller's test fails); outside CI
 * {@link prosodyUnavailable} tells a test to skip with a reason when the package cannot be installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODERATION_MODULE, writeModerationModule } from './prosody-moderation.js';
import { debianBinaryUnavailable, freePort, portAccepts, selfSignedCert, ServerProcess } from './server-kit.js';

const BINARY = '/usr/bin/prosody';
const CTL = '/usr/bin/prosodyctl';

/** The XMPP domain of the test server and its MUC service. */
export const XMPP_DOMAIN = 'localhost';
export const MUC_DOMAIN = 'muc.localhost';
/** The HTTP File Upload service (XEP-0363, Prosody's mod_http_file_share). */
export const UPLOAD_DOMAIN = 'upload.localhost';

export interface ProsodyServer {
  host: '127.0.0.1';
  domain: typeof XMPP_DOMAIN;
  muc: typeof MUC_DOMAIN;
  /** Client port (STARTTLS). */
  port: number;
  /** Direct-TLS client port (XEP-0368). */
  tlsPort: number;
  /** HTTP File Upload service JID and the loopback HTTP/HTTPS ports its URLs use. */
  upload: typeof UPLOAD_DOMAIN;
  httpPort: number;
  httpsPort: number;
  /** PEM of the self-signed server certificate (trust it as the CA). */
  caFile: string;
  /** SHA-256 fingerprint of the server certificate, uppercase hex with colons. */
  fingerprint: string;
  pid: number;
  /** Creates an account (`prosodyctl register`); works while the server runs. */
  register(user: string, password: string): void;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its temp dir. */
  stop(): Promise<void>;
  /** Stops the server process and starts it again on the same ports with the same data. */
  restart(): Promise<void>;
  /** Tail of the server's log and output (for assertion messages). */
  logTail(lines?: number): string;
  /** The whole debug log of the server (for tests that check what went over the wire). */
  log(): string;
}

/** Why Prosody cannot run here, or undefined when it can (installs it when missing and we are root). */
export function prosodyUnavailable(): string | undefined {
  const missing = debianBinaryUnavailable(CTL, 'prosody') ?? debianBinaryUnavailable(BINARY, 'prosody');
  // Debian starts the packaged Prosody as a service on 5222; the tests run their own on random loopback ports.
  spawnSync('systemctl', ['disable', '--now', 'prosody'], { encoding: 'utf8' });
  return missing;
}

function makeCert(dir: string): { certFile: string; keyFile: string; fingerprint: string } {
  return selfSignedCert(join(dir, 'certs'), [XMPP_DOMAIN, MUC_DOMAIN], { cert: 'localhost.crt', key: 'localhost.key' });
}

const lua = (s: string) => JSON.stringify(s);

/** Options of {@link startProsody} that change the server's config. */
export interface ProsodyConfigOptions {
  /** `password_hash` of mod_auth_internal_hashed: SHA-1 (Prosody's default) offers SCRAM-SHA-1, SHA-256 SCRAM-SHA-256. */
  passwordHash?: 'SHA-1' | 'SHA-256';
  /** Modules left out of the default set, e.g. `bookmarks` for a server without XEP-0402 (XEP-0048 only). */
  withoutModules?: string[];
}

function config(o: { dir: string; port: number; tlsPort: number; httpPort: number; httpsPort: number; uploadLimit: number; certFile: string; keyFile: string } & ProsodyConfigOptions): string {
  const modules = [
    'roster', 'saslauth', 'tls', 'disco', 'carbons', 'pep', 'mam', 'smacks', 'blocklist', 'bookmarks', 'ping',
    'vcard4', 'vcard_legacy', 'private', 'offline',
    // XEP-0352 Client State Indication: mod_csi takes the <active/>/<inactive/> nonzas, csi_simple holds back
    // unimportant stanzas while inactive (and logs "Holding buffer" / "Flushing buffer" at debug level).
    'csi', 'csi_simple',
  ].filter((m) => !(o.withoutModules ?? []).includes(m));
  return `-- natter test server (test/harness/prosody.ts)
pidfile = ${lua(join(o.dir, 'prosody.pid'))}
data_path = ${lua(join(o.dir, 'data'))}
certificates = ${lua(join(o.dir, 'certs'))}
plugin_paths = { ${lua(join(o.dir, 'modules'))} }
${process.getuid?.() === 0 ? 'run_as_root = true' : ''}
daemonize = false
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { ${o.port} }
c2s_direct_tls_ports = { ${o.tlsPort} }
s2s_ports = { }
component_ports = { }
http_ports = { ${o.httpPort} }
https_ports = { ${o.httpsPort} }
http_interfaces = { "127.0.0.1" }
https_interfaces = { "127.0.0.1" }
https_ssl = { certificate = ${lua(o.certFile)}, key = ${lua(o.keyFile)} }
log = { { levels = { min = "debug" }, to = "file", filename = ${lua(join(o.dir, 'prosody.log'))} } }
authentication = "internal_hashed"
${o.passwordHash ? `password_hash = ${lua(o.passwordHash)}` : ''}
storage = "internal"
c2s_require_encryption = true
allow_registration = false
modules_enabled = { ${modules.map(lua).join(', ')} }
modules_disabled = { "s2s" }
archive_expires_after = "never"
default_archive_policy = true
max_archive_query_results = 100
smacks_hibernation_time = 60
-- Generous limits so tests never hit rate limiting.
limits = { c2s = { rate = "10mb/s" } }
ssl = { certificate = ${lua(o.certFile)}, key = ${lua(o.keyFile)} }

VirtualHost ${lua(XMPP_DOMAIN)}

Component ${lua(MUC_DOMAIN)} "muc"
  modules_enabled = { "muc_mam", ${lua(MODERATION_MODULE)} }
  muc_log_by_default = true
  muc_log_all_rooms = true
  restrict_room_creation = false

Component ${lua(UPLOAD_DOMAIN)} "http_file_share"
  http_host = ${lua(XMPP_DOMAIN)}
  http_file_share_size_limit = ${o.uploadLimit}
  http_file_share_daily_quota = ${o.uploadLimit * 100}
`;
}

/**
 * Starts Prosody on random loopback ports and resolves once both client ports accept connections. Rejects (with the
 * tail of the server's log) when it cannot start. `users` are registered before the server starts.
 */
export async function startProsody(options?: { users?: Record<string, string>; uploadLimit?: number } & ProsodyConfigOptions): Promise<ProsodyServer> {
  const missing = prosodyUnavailable();
  if (missing) throw new Error(`Prosody unavailable: ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), 'natter-prosody-'));
  mkdirSync(join(dir, 'data'), { mode: 0o700 });
  mkdirSync(join(dir, 'certs'), { mode: 0o700 });
  const port = await freePort();
  const tlsPort = await freePort();
  const httpPort = await freePort();
  const httpsPort = await freePort();
  const uploadLimit = options?.uploadLimit ?? 10 * 1024 * 1024;
  const cert = makeCert(dir);
  const confFile = join(dir, 'prosody.cfg.lua');
  // XEP-0425 moderation in rooms (prosody-moderation.ts): Debian ships no module for it.
  writeModerationModule(join(dir, 'modules'));
  writeFileSync(confFile, config({ dir, port, tlsPort, httpPort, httpsPort, uploadLimit, certFile: cert.certFile, keyFile: cert.keyFile, passwordHash: options?.passwordHash, withoutModules: options?.withoutModules }));
  const outFile = join(dir, 'stdout.log');
  const logFile = join(dir, 'prosody.log');

  const register = (user: string, password: string): void => {
    const r = spawnSync(CTL, ['--config', confFile, 'register', user, XMPP_DOMAIN, password], { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`prosodyctl register ${user} failed (${r.status}): ${r.stderr}${r.stdout}`);
  };
  for (const [user, password] of Object.entries(options?.users ?? {})) register(user, password);

  const proc = new ServerProcess({ name: 'prosody', command: BINARY, args: ['--config', confFile, '-F'], cwd: dir, outFile, logFile, ports: [port, tlsPort, httpPort, httpsPort] });
  await proc.start();

  const server: ProsodyServer = {
    host: '127.0.0.1',
    domain: XMPP_DOMAIN,
    muc: MUC_DOMAIN,
    port,
    tlsPort,
    upload: UPLOAD_DOMAIN,
    httpPort,
    httpsPort,
    caFile: cert.certFile,
    fingerprint: cert.fingerprint,
    pid: proc.pid,
    register,
    logTail: (lines = 40) => proc.logTail(lines),
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    async stop() {
      await proc.halt();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await proc.halt();
      for (let i = 0; i < 50 && (await portAccepts(port)); i++) await new Promise((r) => setTimeout(r, 100));
      await proc.start();
      server.pid = proc.pid;
    },
  };
  return server;
}
