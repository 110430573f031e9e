/**
 * Atheme IRC services (Debian package `atheme-services`) linked to a test InspIRCd over loopback, so SASL and
 * NickServ accounts can be tested against real services (https://ircv3.net/specs/extensions/sasl-3.1).
 *
 * InspIRCd's side (spanningtree, services_account, sasl, the server-link port, <link>, <uline>, <sasl target>) is
 * written by {@link inspircdServicesConfig}; {@link startAtheme} writes Atheme's own config into a fresh temp dir and
 * starts it in the foreground. Services have no business running as root, so as root it runs as `nobody` in a dir owned by that
 * user. Its flat-file database lives in the temp dir and is removed with it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawIrcClient } from './raw-irc-client.js';
import { debianBinaryUnavailable, ServerProcess } from './server-kit.js';

const BINARY = '/usr/bin/atheme-services';
const MODULES = '/usr/lib/x86_64-linux-gnu/atheme/modules';
/** The services server's name on the test network. */
export const SERVICES_NAME = 'services.natter.test';

/** Why Atheme cannot run here, or undefined when it can (installs it when missing and we are root). */
export function athemeUnavailable(): string | undefined {
  return debianBinaryUnavailable(BINARY, 'atheme-services');
}

/** The InspIRCd 3 config lines that accept Atheme as a linked, U-lined services server and SASL agent. */
export function inspircdServicesConfig(o: { linkPort: number; password: string }): string {
  return `<bind address="127.0.0.1" port="${o.linkPort}" type="servers">
${['spanningtree', 'services_account', 'sasl', 'hidechans', 'chghost', 'globops', 'cban', 'svshold', 'topiclock'].map((m) => `<module name="${m}">`).join('\n')}
<link name="${SERVICES_NAME}" ipaddr="127.0.0.1" port="${o.linkPort}" allowmask="127.0.0.0/8" sendpass="${o.password}" recvpass="${o.password}">
<uline server="${SERVICES_NAME}" silent="yes">
<sasl target="${SERVICES_NAME}">
`;
}

function atheme(o: { linkPort: number; password: string; uplink: string }): string {
  const modules = [
    'protocol/inspircd', 'backend/opensex', 'crypto/pbkdf2v2',
    'nickserv/main', 'nickserv/register', 'nickserv/identify', 'nickserv/cert', 'nickserv/info',
    'saslserv/main', 'saslserv/plain', 'saslserv/external',
  ];
  return `${modules.map((m) => `loadmodule "${MODULES}/${m}";`).join('\n')}
serverinfo {
  name = "${SERVICES_NAME}";
  desc = "natter test services";
  numeric = "00A";
  recontime = 1;
  netname = "NatterTest";
  hidehostsuffix = "users.natter.test";
  adminname = "natter";
  adminemail = "natter@example.com";
  registeremail = "natter@example.com";
  auth = none;
  mta = "/bin/true";
  loglevel = { all; };
  maxlogins = 5;
  maxusers = 50;
  mdlimit = 30;
  emaillimit = 10;
  emailtime = 300;
};
uplink "${o.uplink}" {
  host = "127.0.0.1";
  port = ${o.linkPort};
  send_password = "${o.password}";
  receive_password = "${o.password}";
};
nickserv { nick = "NickServ"; user = "NickServ"; host = "${SERVICES_NAME}"; real = "Nickname Services"; };
saslserv { nick = "SaslServ"; user = "SaslServ"; host = "${SERVICES_NAME}"; real = "SASL Authentication Agent"; };
general { helpchan = "#help"; maxnicks = 5; commit_interval = 5; };
`;
}

function idOf(flag: '-u' | '-g', name: string): number {
  const r = spawnSync('id', [flag, name], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isInteger(n)) throw new Error(`no user ${name} for Atheme: ${r.stderr}`);
  return n;
}

export interface AthemeServices {
  /** Registers a NickServ account (nick = account name) the way a user would: REGISTER from a raw IRC client. */
  register(account: string, password: string, email?: string): Promise<void>;
  /** Tail of Atheme's log. */
  logTail(): string;
  /** Stops Atheme (SIGTERM, then SIGKILL) and removes its temp dir. */
  stop(): Promise<void>;
}

/**
 * Starts Atheme linking to the InspIRCd at 127.0.0.1:`linkPort` (configured with {@link inspircdServicesConfig}) and
 * resolves once NickServ is reachable through the client port `clientPort`.
 */
export async function startAtheme(o: { uplink: string; linkPort: number; clientPort: number; password: string }): Promise<AthemeServices> {
  const missing = athemeUnavailable();
  if (missing) throw new Error(`Atheme unavailable: ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), 'natter-atheme-'));
  const confFile = join(dir, 'atheme.conf');
  writeFileSync(confFile, atheme(o));
  writeFileSync(join(dir, 'services.db'), '');
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? { uid: idOf('-u', 'nobody'), gid: idOf('-g', 'nobody') } : undefined;
  if (ids) {
    for (const f of [dir, confFile, join(dir, 'services.db')]) chownSync(f, ids.uid, ids.gid);
    chmodSync(dir, 0o700);
  }
  const logFile = join(dir, 'atheme.log');
  const proc = new ServerProcess({
    name: 'atheme',
    command: BINARY,
    // -n: stay in the foreground (the harness owns the process by PID).
    args: ['-n', '-c', confFile, '-D', dir, '-l', logFile, '-p', join(dir, 'atheme.pid')],
    cwd: dir,
    outFile: join(dir, 'stdout.log'),
    logFile,
    ports: [],
    spawn: ids ? { uid: ids.uid, gid: ids.gid } : undefined,
  });
  await proc.start();
  const services: AthemeServices = {
    logTail: () => proc.logTail(),
    async register(account, password, email = `${account}@example.com`) {
      const c = await RawIrcClient.connect('127.0.0.1', o.clientPort, account);
      try {
        const deadline = Date.now() + 30_000;
        // NickServ exists only once the link burst is done; until then the ircd answers 401 (no such nick).
        let asked = 0;
        for (;;) {
          if (Date.now() > deadline) throw new Error(`NickServ REGISTER ${account} got no answer; raw: ${c.lines.slice(-5).join(' | ')}\n${proc.logTail()}`);
          const answer = c.lines.find((l) => /^:NickServ!\S+ NOTICE /.test(l));
          if (answer && / is now registered to /.test(answer)) return;
          if (answer) throw new Error(`NickServ refused REGISTER ${account}: ${answer}`);
          const noSuch = c.lines.filter((l) => / 401 \S+ NickServ /i.test(l)).length;
          if (asked === noSuch) {
            c.privmsg('NickServ', `REGISTER ${password} ${email}`);
            asked++;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        c.close();
      }
    },
    async stop() {
      await proc.halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return services;
}
