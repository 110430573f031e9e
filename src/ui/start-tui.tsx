/**
 * The body of {@link runTui} (run-tui.ts), loaded only after NODE_ENV is settled so React picks its production build.
 *
 * Rendering: Ink's alternate screen (the shell's screen comes back on exit), at most 30 frames per second, and
 * incremental rendering (only changed rows are rewritten). SGR mouse reporting is switched on for the wheel while the
 * TUI runs (only when stdout is a TTY) and off again on exit, also when the process exits abnormally.
 */
import { render } from 'ink';
import type { EngineApi } from '../core/engine-api.js';
import { App } from './App.js';
import type { RunTuiOptions } from './run-tui.js';
import { filterTerminalInput, focusOff, focusOn, mouseOff, mouseOn, type TtyInput } from './terminal-input.js';
import { imageOutput } from './image/probe.js';

export async function startTui(engine: EngineApi, options: RunTuiOptions = {}): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const isTty = (stdout as { isTTY?: boolean }).isTTY === true;
  const input = filterTerminalInput((options.stdin ?? process.stdin) as TtyInput);
  // `[ui] mouse = false` leaves the mouse to the terminal (its own text selection); focus reports stay on.
  const mouse = options.display?.mouse !== false;
  const restoreMouse = (): void => {
    if (isTty) stdout.write(mouse ? mouseOff : focusOff);
  };
  if (isTty) stdout.write(mouse ? mouseOn : focusOn);
  process.once('exit', restoreMouse);
  // A key press must not wait for the frame throttle (maxFps) that paces renders caused by arriving messages: after
  // each press the render it caused is written at once (Ink's flush of its throttled render), so typing stays
  // immediate while 200 messages per second keep the throttle busy.
  let flush: (() => Promise<void>) | undefined;
  const flushFrame = (): void => void flush?.();
  // Bell and desktop notifications go straight to the terminal between frames (they move no cursor).
  const notifications = options.notifications && { options: options.notifications, write: (bytes: string) => void stdout.write(bytes) };
  // Image previews: "auto" asks the terminal (kitty query + DA1) the first time a preview opens, not at start.
  const images = imageOutput({
    setting: options.images ?? 'auto',
    write: (bytes) => void stdout.write(bytes),
    reports: input.reports,
    isTty,
    afterFrame: () => flush?.() ?? Promise.resolve(),
  });
  try {
    const instance = render(
      <App
        engine={engine}
        sideKeys={input.keys}
        showHelp={options.keymapHelp === true}
        display={options.display}
        keys={options.keys}
        onInputHandled={flushFrame}
        notifications={notifications}
        images={images}
      />,
      {
        stdin: input.stdin,
        stdout,
        alternateScreen: true,
        maxFps: 30,
        incrementalRendering: true,
        exitOnCtrlC: false,
        // natter only starts its interface on a terminal; Ink's CI detection (CI=true) must not turn it into a
        // write-the-last-frame-at-exit program, which is what a person running natter inside a CI job would get.
        interactive: true,
        // Console output never reaches the screen: the CLI sends it to the log file (see src/cli/contain-process.ts).
        patchConsole: false,
      },
    );
    flush = instance.waitUntilRenderFlush;
    await instance.waitUntilExit();
  } finally {
    process.removeListener('exit', restoreMouse);
    restoreMouse();
    input.dispose();
  }
}
