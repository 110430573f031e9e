/**
 * `natter attach` (and plain `natter` while a daemon runs for the profile): the Ink interface in this terminal, driving
 * the daemon's engine. It reads the database read-only and speaks to the daemon over its socket (src/daemon). Quitting
 * detaches: the daemon keeps every connection.
 */
import { displayOptionsOf, imageSettingOf } from './display-options.js';
import { notifyOptionsOf } from './notify-options.js';
import { resolveProfile, type Profile } from '../config/paths.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../core/logger.js';
import { openStore } from '../store/open-store.js';
import { answers } from '../daemon/daemon-server.js';
import { describe, DaemonLink } from '../daemon/daemon-link.js';
import { RemoteEngine } from '../daemon/remote-engine.js';
import { daemonSocketPath } from '../daemon/socket-path.js';
import { containProcess } from './contain-process.js';
import { natterVersion } from './natter-version.js';

export interface AttachOptions {
  config?: string;
  debug?: boolean;
}

/** Whether a daemon answers for the profile (plain `natter` attaches then). */
export function daemonRuns(profile: Profile = resolveProfile(process.env)): Promise<boolean> {
  return answers(daemonSocketPath(profile), 1000);
}

export async function attachCommand(opts: AttachOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write('natter: the interface needs a terminal. From scripts use `natter send` or `natter search`.\n');
    return 2;
  }
  const profile = resolveProfile(process.env);
  const socketPath = daemonSocketPath(profile);
  if (!(await answers(socketPath))) {
    process.stderr.write(`natter: no natter daemon runs for this profile (nothing answers on ${socketPath}); start one with \`natter daemon\`\n`);
    return 1;
  }
  // The display settings come from the config; accounts are the daemon's business.
  const config = loadConfig(opts.config ?? profile.configFile, { required: opts.config !== undefined });
  const log = createLogger({ file: profile.logFile, level: opts.debug ? 'debug' : (config.log.level as 'info') }, 'natter-ui');
  const store = openStore(profile.dataDir, { readOnly: true, log: log.child('store') });
  const engine = new RemoteEngine(store, { status: null, selves: {}, typing: {}, transfers: {} });
  let link: DaemonLink;
  try {
    ({ link } = await DaemonLink.open({
      socketPath,
      version: natterVersion(),
      onChanges: (frame) => engine.onChanges(frame),
      onState: (state) => {
        if (state.state !== 'attached') log.info(`daemon link: ${state.state === 'lost' ? state.reason : state.error}`);
        engine.onLinkState(state);
      },
    }));
  } catch (error) {
    store.close();
    throw error;
  }
  engine.attach(link);
  const restore = containProcess(log, { setStatus: (level, text) => engine.notice(level, text) });
  let unanswered: string[];
  try {
    const { runTui } = await import('../ui/run-tui.js');
    const ui = config.ui;
    await runTui(engine, { display: { ...displayOptionsOf(ui), people: config.people ?? [] }, keys: config.keys, notifications: notifyOptionsOf(config), images: imageSettingOf(ui) });
  } finally {
    unanswered = link.unanswered().map(describe);
    link.close();
    store.close();
    restore();
    setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
  }
  if (unanswered.length) {
    // Never silently: the user learns what did not reach the daemon (the composer's text is gone with the UI).
    process.stderr.write(`natter: the daemon had not confirmed ${unanswered.length === 1 ? 'this action' : 'these actions'} when the UI closed:\n`);
    for (const u of unanswered) process.stderr.write(`  ${u}\n`);
    return 1;
  }
  return 0;
}
