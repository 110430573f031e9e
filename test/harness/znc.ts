/**
 * Starts a private ZNC 1.8 bouncer (Debian package `znc`) on loopback in front of a test IRC server.
 *
 * Everything lives in a fresh temp dir used as ZNC's datadir: `configs/znc.conf` with one plain-text listener on a
 * random free loopback port, one user with a random password and one network pointing at 127.0.0.1:<ircPort>, and
 * ZNC's own output as the log. Buffers are large and never cleared on playback (AutoClearChanBuffer/QueryBuffer =
 * false), so every client connection gets the whole buffer replayed: exactly what a client must deduplicate.
 *
 * ZNC 1.8 refuses to run as root and, with --allow-root, sleeps 30 s first (src/main.cpp). When we are root the
 * process therefore runs as the unprivileged `_znc` user the Debian package creates (falling back to `nobody`), and
 * the datadir is handed to that user.
 *
 * Under `CI=true` a bouncer that cannot be started is an error (the caller's test fails); outside CI,
 * {@link zncUnavailable} tells a test to skip with a reason when the package cannot be installed.
 */
import { randomBytes } from 'node:crypto';
import { chownSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianBinaryUnavailable, freePort, ServerProcess } from './server-kit.js';
import { RawIrcClient } from './raw-irc-client.js';

const BINARY = '/usr/bin/znc';
/** The ZNC user and network the config defines; clients log in with PASS `user/network:password`. */
const USER = 'natter';
const NETWORK = 'test';

export interface ZncBouncer {
  /** Plain-text IRC listener on 127.0.0.1. */
  port: number;
  /** ZNC user name. */
  user: string;
  /** ZNC network name (for `user/network:password`). */
  network: string;
  /** The user's password, in plain text. */
  password: string;
  /** Stops ZNC (SIGTERM, then SIGKILL after 5 s) and removes its datadir. */
  stop(): Promise<void>;
  /** PID of the running ZNC process. */
  pid: number;
  /** Tail of ZNC's output (for assertion messages). */
  logTail(): string;
}

/** Why ZNC cannot run here, or undefined when it can (installs it when missing and we are root). */
export function zncUnavailable(): string | undefined {
  return debianBinaryUnavailable(BINARY, 'znc');
}

/** uid/gid of an unprivileged account to run ZNC as when we are root. */
function unprivilegedAccount(): { uid: number; gid: number } {
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const name of ['_znc', 'nobody']) {
    const row = passwd.find((l) => l.startsWith(`${name}:`))?.split(':');
    if (row && Number.isInteger(Number(row[2])) && Number.isInteger(Number(row[3]))) return { uid: Number(row[2]), gid: Number(row[3]) };
  }
  throw new Error('no _znc or nobody account to run ZNC as (it will not run as root without a 30 s delay)');
}

/**
 * ZNC 1.8's config format (see CZNC::ParseConfig / CUser::ParseConfig / CIRCNetwork::ParseConfig in src/ of 1.8.2).
 * ConnectDelay/ServerThrottle 0: connect upstream at once. `<Pass>` with Method = plain keeps the password as is.
 */
function config(o: { port: number; ircPort: number; channels: string[]; nick: string; password: string }): string {
  return `Version = 1.8.2
ConnectDelay = 0
ServerThrottle = 0
MaxBufferSize = 1000
<Listener natter>
	Host = 127.0.0.1
	Port = ${o.port}
	IPv4 = true
	IPv6 = false
	SSL = false
	AllowIRC = true
	AllowWeb = false
</Listener>
<User ${USER}>
	<Pass password>
		Method = plain
		Hash = ${o.password}
	</Pass>
	Admin = true
	Nick = ${o.nick}
	AltNick = ${o.nick}_
	Ident = ${o.nick.slice(0, 10)}
	RealName = natter test bouncer
	ChanBufferSize = 500
	QueryBufferSize = 500
	AutoClearChanBuffer = false
	AutoClearQueryBuffer = false
	MultiClients = true
	JoinTries = 100
	<Network ${NETWORK}>
		Server = 127.0.0.1 ${o.ircPort}
		FloodRate = 1000.00
		FloodBurst = 1000
		JoinDelay = 0
${o.channels.map((c) => `\t\t<Chan ${c}>\n\t\t</Chan>`).join('\n')}
	</Network>
</User>
`;
}

/** Waits until `nick` is in every channel on the IRC server, as an independent raw client on it sees. */
async function waitJoinedUpstream(ircPort: number, nick: string, channels: string[], gone: () => boolean, log: () => string): Promise<void> {
  if (channels.length === 0) return;
  const watcher = await RawIrcClient.connect('127.0.0.1', ircPort, `zw${randomBytes(3).toString('hex')}`);
  try {
    for (const c of channels) watcher.join(c);
    const lower = nick.toLowerCase();
    const inChannel = (c: string) =>
      watcher.lines.some((l) => {
        const join = /^(?:@\S+ )?:([^!\s]+)\S* JOIN :?(\S+)/.exec(l);
        if (join && join[1]!.toLowerCase() === lower && join[2]!.toLowerCase() === c.toLowerCase()) return true;
        // RPL_NAMREPLY (353): "<me> <symbol> <channel> :[prefix]nick[!user@host] …" when ZNC was there first.
        const names = /^(?:@\S+ )?:\S+ 353 \S+ \S+ (\S+) :(.*)$/.exec(l);
        return (
          !!names &&
          names[1]!.toLowerCase() === c.toLowerCase() &&
          names[2]!.split(' ').some((n) => n.replace(/^[~&@%+]+/, '').split('!')[0]!.toLowerCase() === lower)
        );
      });
    const deadline = Date.now() + 20_000;
    while (!channels.every(inChannel)) {
      if (gone()) throw new Error(`znc exited before joining ${channels.join(', ')}:\n${log()}`);
      if (Date.now() > deadline) throw new Error(`znc did not join ${channels.join(', ')} upstream within 20 s:\n${log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    watcher.close();
  }
}

/**
 * Starts ZNC in front of the IRC server on 127.0.0.1:`ircPort` and resolves once its listener accepts connections
 * and it sits in every one of `channels` upstream under `nick`. Rejects (with the tail of its log) when it cannot.
 */
export async function startZnc(options: { ircPort: number; channels: string[]; nick: string }): Promise<ZncBouncer> {
  const missing = zncUnavailable();
  if (missing) throw new Error(`ZNC unavailable: ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), 'natter-znc-'));
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  mkdirSync(join(dir, 'configs'));
  const confFile = join(dir, 'configs', 'znc.conf');
  writeFileSync(confFile, config({ port, ircPort: options.ircPort, channels: options.channels, nick: options.nick, password }));
  const outFile = join(dir, 'znc.log');
  writeFileSync(outFile, '');
  const asRoot = process.getuid?.() === 0;
  const account = asRoot ? unprivilegedAccount() : undefined;
  if (account) {
    for (const p of [dir, join(dir, 'configs'), confFile]) chownSync(p, account.uid, account.gid);
    chmodSync(dir, 0o700);
  }

  const proc = new ServerProcess({
    name: 'znc',
    command: BINARY,
    args: ['--datadir', dir, '--foreground', '--no-color'],
    cwd: dir,
    outFile,
    ports: [port],
    spawn: { env: { ...process.env, HOME: dir }, ...(account ?? {}) },
  });
  const logTail = () => proc.logTail();
  try {
    await proc.start();
    await waitJoinedUpstream(options.ircPort, options.nick, options.channels, () => proc.gone, logTail);
  } catch (e) {
    await proc.halt();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  return {
    port,
    user: USER,
    network: NETWORK,
    password,
    pid: proc.pid,
    logTail,
    async stop() {
      await proc.halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
