/** `natter`: the interactive interface (on the profile's daemon when one runs, see attach-command.ts). */
import { displayOptionsOf, imageSettingOf } from './display-options.js';
import { notifyOptionsOf } from './notify-options.js';
import { openSession } from '../app/open-session.js';
import { containProcess } from './contain-process.js';
import { promptHidden } from './prompt-hidden.js';

export async function runTuiCommand(opts: { config?: string; debug?: boolean }): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write('natter: the interface needs a terminal. From scripts use `natter send` or `natter search`.\n');
    return 2;
  }
  // A daemon runs this profile's connections: open the interface on it instead of a second engine.
  const { daemonRuns, attachCommand } = await import('./attach-command.js');
  if (await daemonRuns()) return attachCommand(opts);
  const session = await openSession({ configFile: opts.config, debug: opts.debug, prompt: promptHidden });
  // Ask for missing passwords before the interface takes the terminal over.
  for (const rt of session.engine.accountIds().map((id) => session.engine.runtime(id))) {
    if (rt?.enabled && rt.factory) await rt.secret('password');
  }
  let reason: string | undefined;
  session.engine.host.quit = (r) => {
    reason = r;
  };
  const onSignal = () => {
    void session.close('natter was stopped').finally(() => process.exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  const restore = containProcess(session.log, session.engine);
  try {
    const { runTui } = await import('../ui/run-tui.js');
    const ui = session.config.ui;
    // The interface comes up first; connections (and the protocol libraries they load) start behind it.
    session.engine.prepare();
    const running = runTui(session.engine, { display: { ...displayOptionsOf(ui), people: session.config.people ?? [] }, keys: session.config.keys, notifications: notifyOptionsOf(session.config), images: imageSettingOf(ui) });
    await session.engine.connectAll();
    await running;
  } finally {
    await session.close(reason ?? 'natter quit');
    restore();
    exitWatchdog(session.log);
  }
  return 0;
}

/**
 * After an orderly shutdown natter ends when its event loop drains. A handle that a library leaves open (a timer, a
 * half-closed socket) would keep a quit natter alive with the terminal already handed back, so after a grace period
 * the process names what is still open in the log and exits anyway.
 */
function exitWatchdog(log: { warn(message: string, data?: unknown): void }, graceMs = 2_000): void {
  setTimeout(() => {
    log.warn('still running after quit; exiting', { open: process.getActiveResourcesInfo() });
    process.exit(process.exitCode ?? 0);
  }, graceMs).unref();
}
