/**
 * Starts a private mail system on loopback for integration tests: Dovecot 2.3 (Debian `dovecot-imapd`,
 * `dovecot-lmtpd`) for IMAP and local delivery, Postfix 3 (Debian `postfix`) for SMTP submission.
 *
 * Everything lives in a fresh temp dir, each server from its own config directory: Dovecot's `dovecot.conf`, run dir
 * and log; Postfix's `main.cf`/`master.cf`, queue and data dirs and log; one self-signed certificate (SAN DNS:<domain>,
 * DNS:localhost, IP:127.0.0.1) both servers present, which clients trust through `caFile`; the mailboxes (Maildir).
 *
 * - IMAP: STARTTLS port and implicit-TLS port; login only over TLS (`ssl = required`), users from a passwd-file.
 * - SMTP: submission with STARTTLS (TLS required before AUTH) and submissions with implicit TLS (RFC 8314); SASL via
 *   Dovecot's auth socket; only authenticated clients may send, and only to the test domain: other domains are
 *   refused (`default_transport = error`), nothing ever leaves the machine.
 * - Delivery: Postfix hands every accepted message to Dovecot's LMTP listener on loopback (virtual mailbox domain).
 *
 * Both run in the foreground as children the harness owns (ServerProcess: stopped by PID). They need root (the
 * servers drop to their own users: postfix, dovecot, dovenull; mailboxes belong to `mail`). Under `CI=true` a server
 * that cannot start is an error; outside CI {@link mailServerUnavailable} tells a test to skip with a reason.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianBinaryUnavailable, freePort, portAccepts, selfSignedCert, ServerProcess } from './server-kit.js';

const DOVECOT = '/usr/sbin/dovecot';
const LMTP = '/usr/lib/dovecot/lmtp';
const POSTFIX = '/usr/sbin/postfix';
const POSTFIX_MASTER = '/usr/lib/postfix/sbin/master';

/** The default mail domain of the test server (RFC 2606 reserves `.test`). */
export const MAIL_DOMAIN = 'natter.test';

export interface MailServer {
  host: '127.0.0.1';
  domain: string;
  /** IMAP with STARTTLS. */
  imapPort: number;
  /** IMAP over implicit TLS. */
  imapsPort: number;
  /** SMTP submission with STARTTLS. */
  submissionPort: number;
  /** SMTP submission over implicit TLS. */
  submissionsPort: number;
  /** PEM of the self-signed certificate both servers present (trust it as the CA). */
  caFile: string;
  /** SHA-256 fingerprint of that certificate, uppercase hex with colons. */
  fingerprint: string;
  /**
   * Adds a mailbox user (`local@domain`). Dovecot sees it at once; Postfix reads its recipient table only at start,
   * so a user added while it runs can log in but gets no mail until the servers are restarted: pass users to
   * startMailServer instead. Returns the full address.
   */
  addUser(local: string, password: string): string;
  /** Files (full paths) of the messages in a user's INBOX (Maildir cur/ and new/). */
  inboxFiles(local: string): string[];
  /**
   * Puts raw messages straight into a user's INBOX (Maildir new/, owned by the mail user), bypassing SMTP: for
   * filling a mailbox with thousands of messages quickly. Dovecot sees them at the next sync.
   */
  deliverRaw(local: string, messages: Iterable<Buffer | string>): number;
  /** Stops both servers and removes the temp dir. */
  stop(): Promise<void>;
  /** Stops Dovecot and starts it again on the same ports with the same mailboxes. */
  restartImap(): Promise<void>;
  /** Tails of both servers' logs and outputs (for assertion messages). */
  logTail(lines?: number): string;
  dovecotPid: number;
  postfixPid: number;
}

/** Why the mail servers cannot run here, or undefined when they can (installs the packages when root). */
export function mailServerUnavailable(): string | undefined {
  const missing =
    debianBinaryUnavailable(DOVECOT, 'dovecot-imapd') ??
    debianBinaryUnavailable(LMTP, 'dovecot-lmtpd') ??
    debianBinaryUnavailable(POSTFIX_MASTER, 'postfix');
  if (missing) return missing;
  // Debian starts the packaged servers as services on the standard ports; the tests run their own on random ports.
  spawnSync('systemctl', ['disable', '--now', 'dovecot', 'postfix'], { encoding: 'utf8' });
  if (process.getuid?.() !== 0) return `Dovecot and Postfix need root to run as their own users (running as ${userInfo().username})`;
  return undefined;
}

/** Skip reason for a test: only outside CI; under CI=true a missing server fails the test instead. */
export function mailSkipReason(): string | false {
  if (process.env.CI === 'true') return false;
  return mailServerUnavailable() ?? false;
}

function uidOf(name: string): number {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`no system user ${name}`);
  return Number(r.stdout.trim());
}
function gidOf(name: string): number {
  const r = spawnSync('getent', ['group', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`no system group ${name}`);
  return Number(r.stdout.split(':')[2]);
}

function dovecotConf(o: { dir: string; imapPort: number; imapsPort: number; lmtpPort: number; certFile: string; keyFile: string }): string {
  const d = o.dir;
  return `# natter test server (test/harness/mail-server.ts)
base_dir = ${d}/dovecot/run
state_dir = ${d}/dovecot/state
log_path = ${d}/dovecot/dovecot.log
instance_name = natter-dovecot-${o.imapPort}
protocols = imap lmtp
listen = 127.0.0.1
ssl = required
ssl_cert = <${o.certFile}
ssl_key = <${o.keyFile}
disable_plaintext_auth = yes
auth_mechanisms = plain login
mail_location = maildir:${d}/mail/%d/%n
mail_uid = mail
mail_gid = mail
first_valid_uid = ${uidOf('mail')}
first_valid_gid = ${gidOf('mail')}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${d}/dovecot/users
}
userdb {
  driver = static
  args = uid=mail gid=mail home=${d}/mail/%d/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${o.imapPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${o.imapsPort}
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${o.lmtpPort}
  }
}
service auth {
  unix_listener ${d}/dovecot/auth-postfix {
    mode = 0666
  }
}
protocol lmtp {
  postmaster_address = postmaster@localhost
}
protocol imap {
  mail_max_userip_connections = 50
}
# IDLE notices new mail at once through inotify; without it (some containers) at least every second.
mailbox_idle_check_interval = 1 secs
`;
}

function postfixMain(o: { dir: string; domain: string; lmtpPort: number; certFile: string; keyFile: string }): string {
  const d = o.dir;
  return `# natter test server (test/harness/mail-server.ts)
compatibility_level = 3.6
queue_directory = ${d}/postfix/spool
data_directory = ${d}/postfix/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.${o.domain}
mydomain = ${o.domain}
myorigin = ${o.domain}
mydestination =
mynetworks = 127.0.0.1/32
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file_prefixes = ${d}
maillog_file = ${d}/postfix/postfix.log
# Local delivery only: the test domain goes to Dovecot over LMTP, anything else is refused.
virtual_mailbox_domains = ${o.domain}
virtual_mailbox_maps = texthash:${d}/postfix/mailboxes
virtual_transport = lmtp:inet:127.0.0.1:${o.lmtpPort}
relay_domains =
relayhost =
default_transport = error:this test server delivers only locally
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = reject_unlisted_recipient, permit_sasl_authenticated, reject
smtpd_tls_cert_file = ${o.certFile}
smtpd_tls_key_file = ${o.keyFile}
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${d}/dovecot/auth-postfix
smtpd_sasl_auth_enable = yes
message_size_limit = 52428800
# Tests send in bursts from loopback.
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_error_sleep_time = 0
anvil_rate_time_unit = 60s
biff = no
`;
}

function postfixMaster(o: { submissionPort: number; submissionsPort: number }): string {
  const svc = (line: string) => line.split(/\s+/).join('\t');
  return [
    `127.0.0.1:${o.submissionPort} inet n - n - - smtpd`,
    '  -o syslog_name=postfix/submission',
    '  -o smtpd_tls_security_level=encrypt',
    `127.0.0.1:${o.submissionsPort} inet n - n - - smtpd`,
    '  -o syslog_name=postfix/submissions',
    '  -o smtpd_tls_wrappermode=yes',
    '  -o smtpd_tls_security_level=encrypt',
    ...[
      'pickup unix n - n 60 1 pickup',
      'cleanup unix n - n - 0 cleanup',
      'qmgr unix n - n 300 1 qmgr',
      'tlsmgr unix - - n 1000? 1 tlsmgr',
      'rewrite unix - - n - - trivial-rewrite',
      'bounce unix - - n - 0 bounce',
      'defer unix - - n - 0 bounce',
      'trace unix - - n - 0 bounce',
      'verify unix - - n - 1 verify',
      'flush unix n - n 1000? 0 flush',
      'proxymap unix - - n - - proxymap',
      'proxywrite unix - - n - 1 proxymap',
      'showq unix n - n - - showq',
      'error unix - - n - - error',
      'retry unix - - n - - error',
      'discard unix - - n - - discard',
      'lmtp unix - - n - - lmtp',
      'anvil unix - - n - 1 anvil',
      'scache unix - - n - 1 scache',
      'postlog unix-dgram n - n - 1 postlogd',
    ],
  ]
    .map((l) => (l.startsWith('  ') ? l : svc(l)))
    .join('\n') + '\n';
}

/**
 * Starts Dovecot and Postfix on random loopback ports and resolves once IMAP, LMTP and both submission ports accept
 * connections. `users` (local part → password) get mailboxes before the servers start.
 */
export async function startMailServer(options?: { domain?: string; users?: Record<string, string> }): Promise<MailServer> {
  const missing = mailServerUnavailable();
  if (missing) throw new Error(`mail servers unavailable: ${missing}`);
  const domain = options?.domain ?? MAIL_DOMAIN;
  const dir = mkdtempSync(join(tmpdir(), 'natter-mail-'));
  // The servers' own users (dovecot, dovenull, postfix, mail) must reach their files below it.
  chmodSync(dir, 0o755);
  for (const sub of ['dovecot', 'dovecot/run', 'dovecot/state', 'postfix', 'postfix/spool', 'postfix/data', 'mail', 'certs']) {
    mkdirSync(join(dir, sub), { recursive: true, mode: 0o755 });
  }
  chownSync(join(dir, 'postfix/data'), uidOf('postfix'), gidOf('postfix'));
  chownSync(join(dir, 'mail'), uidOf('mail'), gidOf('mail'));
  const cert = selfSignedCert(join(dir, 'certs'), [domain, `mail.${domain}`, 'localhost']);
  chmodSync(cert.keyFile, 0o600);
  const [imapPort, imapsPort, lmtpPort, submissionPort, submissionsPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];

  const usersFile = join(dir, 'dovecot/users');
  const mailboxesFile = join(dir, 'postfix/mailboxes');
  const users = new Map<string, string>();
  const writeUsers = () => {
    // passwd-file: user:password:uid:gid:gecos:home:shell:extra (uid/gid/home come from the static userdb).
    writeFileSync(usersFile, [...users].map(([u, p]) => `${u}:{PLAIN}${p}::::::\n`).join(''), { mode: 0o640 });
    chownSync(usersFile, 0, gidOf('dovecot'));
    writeFileSync(mailboxesFile, [...users.keys()].map((u) => `${u} ok\n`).join(''));
  };
  const addUser = (local: string, password: string): string => {
    if (!/^[a-z0-9._-]+$/.test(local) || password.includes(':') || password.includes('\n')) throw new Error(`bad test user ${local}`);
    const address = `${local}@${domain}`;
    users.set(address, password);
    writeUsers();
    return address;
  };
  for (const [local, password] of Object.entries(options?.users ?? {})) addUser(local, password);
  if (users.size === 0) writeUsers();

  const dovecotConfFile = join(dir, 'dovecot/dovecot.conf');
  writeFileSync(dovecotConfFile, dovecotConf({ dir, imapPort, imapsPort, lmtpPort, certFile: cert.certFile, keyFile: cert.keyFile }));
  const postfixConfDir = join(dir, 'postfix/conf');
  mkdirSync(postfixConfDir, { mode: 0o755 });
  writeFileSync(join(postfixConfDir, 'main.cf'), postfixMain({ dir, domain, lmtpPort, certFile: cert.certFile, keyFile: cert.keyFile }));
  writeFileSync(join(postfixConfDir, 'master.cf'), postfixMaster({ submissionPort, submissionsPort }));
  // `postfix check` creates the queue directories with the owners and modes Postfix insists on.
  const check = spawnSync(POSTFIX, ['-c', postfixConfDir, 'check'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`postfix check failed (${check.status}): ${check.stderr}${check.stdout}`);

  const dovecot = new ServerProcess({
    name: 'dovecot',
    command: DOVECOT,
    args: ['-F', '-c', dovecotConfFile],
    cwd: dir,
    outFile: join(dir, 'dovecot/stdout.log'),
    logFile: join(dir, 'dovecot/dovecot.log'),
    ports: [imapPort, imapsPort, lmtpPort],
  });
  // master -d stays in the foreground (no detach), so the harness owns its PID; it reads MAIL_CONFIG / -c.
  const postfix = new ServerProcess({
    name: 'postfix',
    command: POSTFIX_MASTER,
    args: ['-c', postfixConfDir, '-d'],
    cwd: dir,
    outFile: join(dir, 'postfix/stdout.log'),
    logFile: join(dir, 'postfix/postfix.log'),
    ports: [submissionPort, submissionsPort],
    spawn: { env: { ...process.env, MAIL_CONFIG: postfixConfDir } },
  });
  try {
    await dovecot.start();
    await postfix.start();
  } catch (error) {
    await dovecot.halt();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const server: MailServer = {
    host: '127.0.0.1',
    domain,
    imapPort,
    imapsPort,
    submissionPort,
    submissionsPort,
    caFile: cert.certFile,
    fingerprint: cert.fingerprint,
    dovecotPid: dovecot.pid,
    postfixPid: postfix.pid,
    addUser,
    inboxFiles(local) {
      const base = join(dir, 'mail', domain, local);
      const out: string[] = [];
      for (const sub of ['cur', 'new']) {
        try {
          for (const f of readdirSync(join(base, sub))) out.push(join(base, sub, f));
        } catch {
          // no mailbox yet
        }
      }
      return out;
    },
    deliverRaw(local, messages) {
      const base = join(dir, 'mail', domain, local);
      const [uid, gid] = [uidOf('mail'), gidOf('mail')];
      for (const d of [join(dir, 'mail', domain), base, join(base, 'cur'), join(base, 'new'), join(base, 'tmp')]) {
        mkdirSync(d, { recursive: true, mode: 0o700 });
        chownSync(d, uid, gid);
      }
      let n = 0;
      const stamp = Math.floor(Date.now() / 1000);
      for (const m of messages) {
        const file = join(base, 'new', `${stamp}.M${n}P${process.pid}.natter-bench`);
        writeFileSync(file, m, { mode: 0o600 });
        chownSync(file, uid, gid);
        n++;
      }
      return n;
    },
    logTail: (lines = 30) => `--- dovecot\n${dovecot.logTail(lines)}\n--- postfix\n${postfix.logTail(lines)}`,
    async stop() {
      await postfix.halt();
      await dovecot.halt();
      rmSync(dir, { recursive: true, force: true });
    },
    async restartImap() {
      await dovecot.halt();
      for (let i = 0; i < 50 && (await portAccepts(imapPort)); i++) await new Promise((r) => setTimeout(r, 100));
      await dovecot.start();
      server.dovecotPid = dovecot.pid;
    },
  };
  return server;
}

/** The raw text of a message file (for tests that check what went over the wire). */
export function readMessage(file: string): string {
  return readFileSync(file, 'utf8');
}
