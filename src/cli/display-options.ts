/** The TUI's display options from the `[ui]` config (natter and natter attach share them). */
import type { UiConfig } from '../config/schema.js';
import { hyperlinksEnabled } from '../ui/hyperlink-support.js';
import type { DisplayOptions } from '../ui/time-format.js';

/** `[ui]` → DisplayOptions; `hyperlinks = "auto"` is resolved against this process's terminal environment. */
export function displayOptionsOf(ui: UiConfig, env: NodeJS.ProcessEnv = process.env): DisplayOptions {
  return {
    timestamps: ui.timestamps,
    collapseJoins: ui.collapse_joins,
    timeFormat: ui.time_format,
    hyperlinks: hyperlinksEnabled(ui.hyperlinks, env),
    ...(ui.open_command !== undefined && { openCommand: ui.open_command }),
    mouse: ui.mouse,
  };
}
