/**
 * Where a profile lives. Two layouts:
 * - portable: `NATTER_HOME=<dir>` puts everything under one directory (config.toml, data/, state/, run/), so a test or
 *   a second identity never touches the user's real profile;
 * - XDG Base Directory Specification 0.8: config in `$XDG_CONFIG_HOME/natter`, the database in
 *   `$XDG_DATA_HOME/natter`, the log in `$XDG_STATE_HOME/natter`, sockets and locks in `$XDG_RUNTIME_DIR/natter`.
 */
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export interface Profile {
  /** The config file (`config.toml`). */
  configFile: string;
  configDir: string;
  /** Persistent data: the message database, crypto stores. */
  dataDir: string;
  /** State worth keeping but not backing up: the log. */
  stateDir: string;
  logFile: string;
  /** Sockets and the profile lock; may be wiped at logout. */
  runtimeDir: string;
  /** True when the profile came from NATTER_HOME. */
  portable: boolean;
}

/**
 * Resolves the profile's paths from the environment (nothing is created; see ensureDirs). XDG variables that are
 * unset, empty or relative are ignored, as the spec requires ("If an implementation encounters a relative path in any
 * of these variables it should consider the path invalid and ignore it"). A relative NATTER_HOME is taken relative to
 * the working directory.
 */
export function resolveProfile(env: NodeJS.ProcessEnv = process.env): Profile {
  const natterHome = env['NATTER_HOME'];
  if (natterHome) {
    const root = resolve(natterHome);
    const stateDir = join(root, 'state');
    return {
      configFile: join(root, 'config.toml'),
      configDir: root,
      dataDir: join(root, 'data'),
      stateDir,
      logFile: join(stateDir, 'natter.log'),
      runtimeDir: join(root, 'run'),
      portable: true,
    };
  }
  const home = env['HOME'] && isAbsolute(env['HOME']) ? env['HOME'] : homedir();
  const xdg = (name: string, fallback: string): string => {
    const v = env[name];
    return v && isAbsolute(v) ? v : join(home, fallback);
  };
  const configDir = join(xdg('XDG_CONFIG_HOME', '.config'), 'natter');
  const stateDir = join(xdg('XDG_STATE_HOME', join('.local', 'state')), 'natter');
  const runtime = env['XDG_RUNTIME_DIR'];
  return {
    configFile: join(configDir, 'config.toml'),
    configDir,
    dataDir: join(xdg('XDG_DATA_HOME', join('.local', 'share')), 'natter'),
    stateDir,
    logFile: join(stateDir, 'natter.log'),
    runtimeDir: runtime && isAbsolute(runtime) ? join(runtime, 'natter') : join(stateDir, 'run'),
    portable: false,
  };
}

/**
 * Creates the profile's directories that do not exist yet, with mode 0700 (they hold messages, keys and sockets).
 * Existing directories are left as they are: insecureDirs reports the ones others can read.
 */
export function ensureDirs(profile: Profile): void {
  for (const dir of [profile.configDir, profile.dataDir, profile.stateDir, profile.runtimeDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
}

/** The profile directories that exist and are accessible to group or others (for `natter doctor`). */
export function insecureDirs(profile: Profile): string[] {
  const out: string[] = [];
  for (const dir of new Set([profile.configDir, profile.dataDir, profile.stateDir, profile.runtimeDir])) {
    try {
      if (statSync(dir).mode & 0o077) out.push(dir);
    } catch {
      // Not created yet.
    }
  }
  return out;
}
