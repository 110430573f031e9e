import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureDirs, insecureDirs, resolveProfile, type Profile } from '../../../src/config/paths.js';
import { tempDir } from './helpers.js';

describe('resolveProfile', () => {
  const cases: Array<{ name: string; env: NodeJS.ProcessEnv; expect: Profile }> = [
    {
      name: 'NATTER_HOME puts everything under one directory',
      env: { NATTER_HOME: '/p', HOME: '/home/u', XDG_CONFIG_HOME: '/x/c', XDG_RUNTIME_DIR: '/run/user/1' },
      expect: {
        configFile: '/p/config.toml',
        configDir: '/p',
        dataDir: '/p/data',
        stateDir: '/p/state',
        logFile: '/p/state/natter.log',
        runtimeDir: '/p/run',
        portable: true,
      },
    },
    {
      name: 'XDG variables',
      env: { HOME: '/home/u', XDG_CONFIG_HOME: '/x/c', XDG_DATA_HOME: '/x/d', XDG_STATE_HOME: '/x/s', XDG_RUNTIME_DIR: '/run/user/1' },
      expect: {
        configFile: '/x/c/natter/config.toml',
        configDir: '/x/c/natter',
        dataDir: '/x/d/natter',
        stateDir: '/x/s/natter',
        logFile: '/x/s/natter/natter.log',
        runtimeDir: '/run/user/1/natter',
        portable: false,
      },
    },
    {
      name: 'XDG defaults under HOME; runtime falls back to stateDir/run',
      env: { HOME: '/home/u' },
      expect: {
        configFile: '/home/u/.config/natter/config.toml',
        configDir: '/home/u/.config/natter',
        dataDir: '/home/u/.local/share/natter',
        stateDir: '/home/u/.local/state/natter',
        logFile: '/home/u/.local/state/natter/natter.log',
        runtimeDir: '/home/u/.local/state/natter/run',
        portable: false,
      },
    },
    {
      name: 'empty and relative XDG values are ignored (XDG spec)',
      env: { HOME: '/home/u', XDG_CONFIG_HOME: '', XDG_DATA_HOME: 'rel/data', XDG_STATE_HOME: './s', XDG_RUNTIME_DIR: 'run', NATTER_HOME: '' },
      expect: {
        configFile: '/home/u/.config/natter/config.toml',
        configDir: '/home/u/.config/natter',
        dataDir: '/home/u/.local/share/natter',
        stateDir: '/home/u/.local/state/natter',
        logFile: '/home/u/.local/state/natter/natter.log',
        runtimeDir: '/home/u/.local/state/natter/run',
        portable: false,
      },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(resolveProfile(c.env), c.expect));

  it('relative NATTER_HOME is made absolute; no HOME uses the user database', () => {
    assert.equal(resolveProfile({ NATTER_HOME: 'prof' }).configDir, join(process.cwd(), 'prof'));
    assert.equal(resolveProfile({}).configDir, join(homedir(), '.config', 'natter'));
  });
});

describe('ensureDirs', () => {
  it('creates every directory with mode 0700 and leaves existing ones alone', () => {
    const root = join(tempDir(), 'home');
    const profile = resolveProfile({ NATTER_HOME: root });
    mkdirSync(root, { mode: 0o755 });
    ensureDirs(profile);
    for (const dir of [profile.dataDir, profile.stateDir, profile.runtimeDir]) {
      assert.equal(statSync(dir).mode & 0o777, 0o700, dir);
    }
    assert.equal(statSync(root).mode & 0o777, 0o755 & ~process.umask());
    assert.deepEqual(insecureDirs(profile), (statSync(root).mode & 0o077) ? [root] : []);
    ensureDirs(profile); // idempotent
  });

  it('XDG layout: creates config, data, state and runtime dirs', () => {
    const base = tempDir();
    const profile = resolveProfile({ HOME: base, XDG_RUNTIME_DIR: join(base, 'rt') });
    ensureDirs(profile);
    for (const dir of [profile.configDir, profile.dataDir, profile.stateDir, profile.runtimeDir]) {
      assert.equal(statSync(dir).mode & 0o777, 0o700, dir);
    }
    assert.deepEqual(insecureDirs(profile), []);
  });
});
