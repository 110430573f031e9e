/** The TUI's display options from the `[ui]` config (natter and natter attach share them). */
import type { UiConfig } from '../config/schema.js';
import { hyperlinksEnabled } from '../ui/hyperlink-support.js';
import type { DisplayOptions } from '../ui/time-format.js';
import { resolveImageSetting, type ImageSetting } from '../ui/image/probe.js';

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

/** `[ui] images` for this environment: "auto" turns "off" under NATTER_SLOW_LINK, or SSH with images_over_ssh = false. */
export function imageSettingOf(ui: UiConfig, env: NodeJS.ProcessEnv = process.env): ImageSetting {
  return resolveImageSetting(ui.images, env, ui.images_over_ssh);
}
