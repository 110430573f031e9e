/** `natter accounts`: the configured accounts and the state the store last recorded for them. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { resolveProfile } from '../config/paths.js';
import type { Account } from '../core/model.js';
import { openStore } from '../store/open-store.js';
import { profileLockHolder } from '../store/lock.js';

function address(settings: Record<string, unknown>, protocol: string): string {
  const s = (k: string) => (typeof settings[k] === 'string' || typeof settings[k] === 'number' ? String(settings[k]) : '');
  switch (protocol) {
    case 'irc':
      return `${s('nick')}@${s('host')}:${s('port')}${settings.tls === false ? '' : ' (TLS)'}`;
    case 'xmpp':
      return s('jid');
    case 'matrix':
      return s('user');
    default:
      return s('address');
  }
}

export async function accountsCommand(opts: { config?: string; json?: boolean }): Promise<number> {
  const profile = resolveProfile();
  const config = loadConfig(opts.config ?? profile.configFile, { required: opts.config !== undefined });
  const states = new Map<string, Account>();
  if (existsSync(join(profile.dataDir, 'natter.db'))) {
    const store = openStore(profile.dataDir, { readOnly: true });
    try {
      for (const a of store.listAccounts()) states.set(a.id, a);
    } finally {
      store.close();
    }
  }
  // A state is only live while a natter holds the profile; otherwise the last one written is history.
  const running = profileLockHolder(profile.dataDir) !== undefined;
  const live = (a: Account | undefined) => (a && (running || a.state === 'error') ? a : undefined);
  const rows = config.accounts.map((a) => ({
    name: a.name,
    protocol: a.protocol,
    address: address(a.settings, a.protocol),
    enabled: a.enabled,
    state: live(states.get(a.name))?.state ?? (states.has(a.name) ? 'offline (natter is not running)' : 'never connected'),
    detail: live(states.get(a.name))?.detail ?? '',
  }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    process.stdout.write(`no accounts in ${config.file}; see config.example.toml, or start natter and type /connect ircs://nick@host/#channel\n`);
    return 0;
  }
  for (const r of rows) {
    const state = r.enabled ? r.state : 'disabled';
    process.stdout.write(`${r.name.padEnd(16)} ${r.protocol.padEnd(7)} ${r.address.padEnd(36)} ${state}${r.detail ? ` (${r.detail})` : ''}\n`);
  }
  for (const w of config.warnings) process.stderr.write(`warning: ${w}\n`);
  return 0;
}
