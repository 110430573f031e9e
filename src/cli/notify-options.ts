/** The TUI's notification options from the loaded config: `[notifications]` plus each account's `notify` level. */
import type { LoadedConfig } from '../config/load.js';
import type { NotifyLevel } from '../core/notify/policy.js';
import type { NotifyOptions } from '../ui/notification-watcher.js';

export function notifyOptionsOf(config: LoadedConfig): NotifyOptions | undefined {
  const n = config.notifications;
  if (!n) return undefined;
  const accountLevels: Record<string, NotifyLevel> = {};
  for (const a of config.accounts) {
    const level = a.settings['notify'];
    if (level === 'all' || level === 'mentions' || level === 'none') accountLevels[a.name] = level;
  }
  return { ...n, keywords: [...n.keywords], command: n.command ? [...n.command] : undefined, accountLevels };
}
