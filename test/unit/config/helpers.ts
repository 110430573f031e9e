/** Temporary config files for the config tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory, removed when the test file ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'natter-config-'));
  dirs.push(dir);
  return dir;
}

/** Writes `text` to a new config.toml (mode 0600 unless given) and returns its path. */
export function writeConfig(text: string, mode = 0o600): string {
  const file = join(tempDir(), 'config.toml');
  writeFileSync(file, text, { mode });
  return file;
}

/** The repository root (tests run from .build-*\/test/unit/config or dist/test/unit/config). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
