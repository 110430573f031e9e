/**
 * Starts a private InspIRCd 3 (Debian package `inspircd`) on loopback for integration tests.
 *
 * Everything lives in a fresh temp dir: the config, a self-signed certificate made with the `openssl` CLI (SAN
 * IP:127.0.0.1 + DNS:localhost), the pid-less process's log. Ports are random free loopback ports. The server loads the
 * IRCv3 modules the IRC adapter uses and allows generous flood limits so tests never trip fakelag.
 *
 * Under `CI=true` a server that cannot be started is an error (the caller's test fails); outside CI,
 * {@link inspircdUnavailable} tells a test to skip with a reason when the package cannot be installed.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspircdServicesConfig, startAtheme, type AthemeServices } from './atheme.js';
import { debianBinaryUnavailable, freePort, portAccepts, selfSignedCert, ServerProcess } from './server-kit.js';

const BINARY = '/usr/sbin/inspircd';
const MODULE_DIR = '/usr/lib/inspircd/modules';

export interface InspircdServer {
  host: '127.0.0.1';
  /** Plain-text client port. */
  port: number;
  /** Implicit-TLS client port (when started with `tls: true`). */
  tlsPort?: number;
  /** PEM file of the self-signed server certificate (trust it as the CA). */
  caFile?: string;
  /** SHA-256 fingerprint of the server certificate, uppercase hex with colons. */
  fingerprint?: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its temp dir. */
  stop(): Promise<void>;
  /** Stops the server process but keeps its config, so {@link restart} brings it back on the same ports. */
  down(): Promise<void>;
  /** Stops the server process and starts it again on the same ports with the same config. */
  restart(): Promise<void>;
  /** PID of the running server process. */
  pid: number;
  /** Tail of the server's log (for assertion messages). */
  logTail(): string;
  /** Atheme services linked to this server (when started with `services: true`). */
  services?: AthemeServices;
}

/** Why InspIRCd cannot run here, or undefined when it can (installs it when missing and we are root). */
export function inspircdUnavailable(): string | undefined {
  return debianBinaryUnavailable(BINARY, 'inspircd');
}

/** The TLS module the Debian build ships (ssl_gnutls in Debian's inspircd 3; ssl_openssl where built). */
function tlsModule(): 'ssl_gnutls' | 'ssl_openssl' {
  return existsSync(join(MODULE_DIR, 'm_ssl_gnutls.so')) || !existsSync(join(MODULE_DIR, 'm_ssl_openssl.so')) ? 'ssl_gnutls' : 'ssl_openssl';
}

function config(o: { dir: string; port: number; tlsPort?: number; certFile?: string; keyFile?: string; history: boolean; services?: string }): string {
  const modules = [
    'cap', 'ircv3', 'ircv3_accounttag', 'ircv3_batch', 'ircv3_capnotify', 'ircv3_chghost', 'ircv3_ctctags',
    'ircv3_echomessage', 'ircv3_invitenotify', 'ircv3_labeledresponse', 'ircv3_msgid', 'ircv3_servertime',
    'chanhistory', 'namesx', 'uhnames', 'setname', 'monitor',
  ];
  if (o.tlsPort) modules.push(tlsModule());
  return `<config format="xml">
<server name="irc.natter.test" description="natter test server" network="NatterTest">
<admin name="natter" nick="natter" email="natter@example.invalid">
<path moduledir="${MODULE_DIR}" configdir="${o.dir}" datadir="${o.dir}" logdir="${o.dir}" runtimedir="${o.dir}">
<bind address="127.0.0.1" port="${o.port}" type="clients">
${o.tlsPort ? `<sslprofile name="Clients" provider="${tlsModule().replace('ssl_', '')}" certfile="${o.certFile}" keyfile="${o.keyFile}" dhfile="" hash="sha256" requestclientcert="no">
<bind address="127.0.0.1" port="${o.tlsPort}" type="clients" sslprofile="Clients">` : ''}
<connect allow="*" timeout="60" pingfreq="120" hardsendq="4M" softsendq="1M" recvq="1M" threshold="100000"
         commandrate="1000000" fakelag="no" localmax="1000" globalmax="1000" maxconnwarn="no" useident="no"
         resolvehostnames="no" limit="5000" maxchans="100">
<cidr ipv4clone="32" ipv6clone="128">
<dns server="127.0.0.1" timeout="1">
<files motd="${join(o.dir, 'motd.txt')}">
<channels users="100" opers="100">
<options prefixquit="Quit: " syntaxhints="no" announcets="yes" hostintopic="yes" pingwarning="15" splitwhois="no"
         defaultmodes="${o.history ? 'notH 50:1d' : 'not'}">
<security hideserver="" userstats="Pu" customversion="" flatlinks="no" hidesplits="no" hideulines="no" hidebans="no" maxtargets="20">
<performance quietbursts="yes" softlimit="1024" somaxconn="128" netbuffersize="10240" clonesonconnect="no">
<whowas groupsize="10" maxgroups="100000" maxkeep="3d">
<limits maxnick="30" maxchan="64" maxmodes="20" maxident="10" maxhost="64" maxquit="255" maxtopic="307" maxkick="255" maxreal="128" maxgecos="128" maxaway="200">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="debug" target="${join(o.dir, 'ircd.log')}">
${modules.map((m) => `<module name="${m}">`).join('\n')}
<ircv3 accountnotify="yes" awaynotify="yes" extendedjoin="yes">
<chanhistory bots="yes" maxlines="50" prefixmsg="no">
${o.services ?? ''}`;
}

/**
 * Starts InspIRCd on random loopback ports and resolves once the client port accepts connections. Rejects (with the
 * tail of the server's log) when it cannot start.
 */
export async function startInspircd(options?: {
  tls?: boolean;
  history?: boolean;
  /** Also start Atheme services (NickServ, SaslServ) linked to this server: SASL then works for real. */
  services?: boolean;
}): Promise<InspircdServer> {
  const missing = inspircdUnavailable();
  if (missing) throw new Error(`InspIRCd unavailable: ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), 'natter-inspircd-'));
  const port = await freePort();
  const tlsPort = options?.tls ? await freePort() : undefined;
  const cert = options?.tls ? selfSignedCert(dir) : undefined;
  const link = options?.services ? { linkPort: await freePort(), password: `link-${process.pid}-${port}` } : undefined;
  writeFileSync(join(dir, 'motd.txt'), 'natter test server\n');
  const confFile = join(dir, 'inspircd.conf');
  writeFileSync(
    confFile,
    config({ dir, port, tlsPort, certFile: cert?.certFile, keyFile: cert?.keyFile, history: options?.history ?? false, services: link && inspircdServicesConfig(link) }),
  );
  const outFile = join(dir, 'stdout.log');
  const logFile = join(dir, 'ircd.log');
  const args = ['--config', confFile, '--nofork', '--nopid'];
  if (process.getuid?.() === 0) args.push('--runasroot');
  const proc = new ServerProcess({ name: 'inspircd', command: BINARY, args, cwd: dir, outFile, logFile, ports: tlsPort ? [port, tlsPort] : [port] });
  await proc.start();
  let services: AthemeServices | undefined;
  try {
    services = link ? await startAtheme({ ...link, uplink: 'irc.natter.test', clientPort: port }) : undefined;
  } catch (error) {
    await proc.halt();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const server: InspircdServer = {
    host: '127.0.0.1',
    port,
    tlsPort,
    caFile: cert?.certFile,
    fingerprint: cert?.fingerprint,
    pid: proc.pid,
    logTail: () => proc.logTail(),
    services,
    async stop() {
      await services?.stop();
      await proc.halt();
      rmSync(dir, { recursive: true, force: true });
    },
    async down() {
      await proc.halt();
    },
    async restart() {
      await proc.halt();
      // Wait until the old listener is really gone before binding again.
      for (let i = 0; i < 50 && (await portAccepts(port)); i++) await new Promise((r) => setTimeout(r, 100));
      await proc.start();
      server.pid = proc.pid;
    },
  };
  return server;
}
