/**
 * `natter daemon`: the engine and every connection without a terminal. Logs go to the profile's log file; UIs attach
 * over the Unix socket in the profile's runtime directory (`natter attach`, or plain `natter`). The daemon holds the
 * profile lock, so a second daemon (or a standalone natter) for the same profile is refused.
 *
 * `--detach` starts it in the background and returns once it accepts UIs; `--stop` asks the running one to stop.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { resolveProfile } from '../config/paths.js';
import { openSession, type Session } from '../app/open-session.js';
import { profileLockHolder } from '../store/lock.js';
import { answers, DaemonServer } from '../daemon/daemon-server.js';
import { encodeFrame } from '../daemon/protocol.js';
import { daemonSocketPath } from '../daemon/socket-path.js';
import { containProcess } from './contain-process.js';
import { natterVersion } from './natter-version.js';
import { promptHidden } from './prompt-hidden.js';

export interface DaemonCommandOptions {
  config?: string;
  debug?: boolean;
  detach?: boolean;
  stop?: boolean;
}

export async function daemonCommand(opts: DaemonCommandOptions): Promise<number> {
  const profile = resolveProfile(process.env);
  const socketPath = daemonSocketPath(profile);
  if (opts.stop) return stopDaemon(socketPath, profile.dataDir);

  const holder = profileLockHolder(profile.dataDir);
  if (holder !== undefined) {
    const daemon = await answers(socketPath);
    process.stderr.write(
      daemon
        ? `natter: a natter daemon (pid ${holder}) already runs for this profile; open a UI on it with \`natter attach\`\n`
        : `natter: another natter (pid ${holder}) is using this profile; close it before starting a daemon\n`,
    );
    return 1;
  }
  if (opts.detach) return detach(socketPath, profile.logFile);

  // Started in a terminal, the daemon asks for passwords no config source provides before it goes headless (as the
  // TUI does); in the background it cannot, and such accounts fail to log in with a status saying why.
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  const session = await openSession({ configFile: opts.config, debug: opts.debug, ...(interactive ? { prompt: promptHidden } : {}) });
  if (interactive) {
    try {
      for (const rt of session.engine.accountIds().map((id) => session.engine.runtime(id))) {
        if (rt?.enabled && rt.factory) await rt.secret('password');
      }
    } catch (error) {
      await session.close('natter daemon stopped');
      throw error;
    }
  }
  return runDaemon(session, socketPath);
}

async function runDaemon(session: Session, socketPath: string): Promise<number> {
  const log = session.log.child('daemon');
  const restore = containProcess(session.log, session.engine);
  let stopped!: (reason: string) => void;
  const stopping = new Promise<string>((resolve) => (stopped = resolve));
  const server = new DaemonServer({ engine: session.engine, socketPath, version: natterVersion(), log, onStopRequest: (r) => stopped(r) });
  const onSignal = (signal: NodeJS.Signals) => () => stopped(`natter daemon stopped (${signal})`);
  const onTerm = onSignal('SIGTERM');
  const onInt = onSignal('SIGINT');
  // A daemon outlives the terminal it was started from: a hangup is no reason to drop the connections.
  const onHup = () => log.info('SIGHUP ignored');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  process.on('SIGHUP', onHup);
  let reason = 'natter daemon stopped';
  try {
    session.engine.prepare();
    await server.listen();
    process.stdout.write(`natter daemon (pid ${process.pid}) is running; attach with \`natter attach\`; log: ${session.profile.logFile}\n`);
    await session.engine.connectAll();
    reason = await stopping;
    log.info(`stopping: ${reason}`);
  } finally {
    await server.close(reason);
    await session.close(reason);
    process.removeListener('SIGTERM', onTerm);
    process.removeListener('SIGINT', onInt);
    process.removeListener('SIGHUP', onHup);
    restore();
    // As after a TUI quit: a handle a library leaves open must not keep a stopped daemon alive.
    setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
  }
  return 0;
}

/** Starts `natter daemon` again as a detached background process and waits until it accepts UIs. */
async function detach(socketPath: string, logFile: string): Promise<number> {
  const args = process.argv.slice(1).filter((a) => a !== '--detach' && a !== '-d');
  const child = spawn(process.execPath, [...process.execArgv, ...args], { detached: true, stdio: 'ignore', env: process.env });
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.unref();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      process.stderr.write(`natter: the daemon exited at once (code ${exited}); see ${logFile}\n`);
      return 1;
    }
    if (await answers(socketPath, 500)) {
      process.stdout.write(`natter daemon (pid ${child.pid}) is running in the background; attach with \`natter attach\`\n`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stderr.write(`natter: the daemon (pid ${child.pid}) did not accept UIs within 30 s; see ${logFile}\n`);
  return 1;
}

/**
 * Asks the daemon to stop (a bare `stop` frame, which daemons of every version accept, so an upgrade can stop the old
 * one) and waits until it has said goodbye to the servers and released the profile.
 */
async function stopDaemon(socketPath: string, dataDir: string): Promise<number> {
  const pid = profileLockHolder(dataDir);
  const reached = await new Promise<boolean>((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => socket.write(encodeFrame({ t: 'stop', reason: 'natter daemon --stop' })));
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(true));
    socket.resume();
  });
  if (!reached) {
    process.stderr.write(`natter: no natter daemon runs for this profile (nothing answers on ${socketPath})\n`);
    return 1;
  }
  const deadline = Date.now() + 20_000;
  while (profileLockHolder(dataDir) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (profileLockHolder(dataDir) !== undefined) {
    process.stderr.write(`natter: the daemon (pid ${pid}) is still stopping after 20 s\n`);
    return 1;
  }
  process.stdout.write(`natter daemon${pid ? ` (pid ${pid})` : ''} stopped\n`);
  return 0;
}
