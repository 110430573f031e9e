/**
 * Starts the full-screen TUI on a terminal and resolves when the user quits (Ctrl-Q, Ctrl-C or /quit, each of which
 * first dispatches `{type: 'quit'}` to the engine).
 *
 * Rendering: Ink's alternate screen (the shell's screen comes back on exit), at most 30 frames per second, and
 * incremental rendering (only changed rows are rewritten). SGR mouse reporting is on for the wheel while the TUI runs
 * (only when stdout is a TTY) and off again on exit.
 */
import type { EngineApi } from '../core/engine-api.js';
import type { DisplayOptions } from './time-format.js';
import type { NotifyOptions } from './notification-watcher.js';
import type { KeysOptions } from './Screen.js';
import type { ImageSetting } from './image/probe.js';

export interface RunTuiOptions {
  /** Defaults to process.stdin. */
  stdin?: NodeJS.ReadableStream;
  /** Defaults to process.stdout. */
  stdout?: NodeJS.WritableStream;
  /** Open the key binding help overlay at start (first run). */
  keymapHelp?: boolean;
  /** Config `[ui]`: `{ timestamps, collapseJoins, timeFormat }` (each optional; defaults true, true, "HH:mm"). */
  display?: Partial<DisplayOptions>;
  /** Config `[keys]`: `{ keymap, bind }` (checked by the config loader); default: the default keymap. */
  keys?: KeysOptions;
  /** Config `[notifications]` (with per-account levels); absent: no bell, no desktop notifications, no hook. */
  notifications?: NotifyOptions;
  /**
   * `[ui] images` resolved for this environment (image/probe.ts resolveImageSetting: NATTER_SLOW_LINK, SSH); default
   * "auto" (probe the terminal on the first preview).
   */
  images?: ImageSetting;
}

export async function runTui(engine: EngineApi, options: RunTuiOptions = {}): Promise<void> {
  // React chooses its development or production build when it is first loaded; the development build renders about
  // twice as slowly (prop checks, dev warnings). Unless the user asked for development, load the UI in production.
  process.env['NODE_ENV'] ??= 'production';
  const { startTui } = await import('./start-tui.js');
  return startTui(engine, options);
}
