/** natter's version, from its package.json. */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** natter's version from its package.json, found upwards from this module (compiled or bundled); "unknown" if none. */
export function natterVersion(): string {
  if (cached) return cached;
  for (let dir = new URL('./', import.meta.url); dir.pathname !== '/'; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'natter' && pkg.version) return (cached = pkg.version);
    } catch {
      // no package.json here: look one level up
    }
  }
  return (cached = 'unknown');
}
