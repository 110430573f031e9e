/**
 * The generated benchmark profile: 200 conversations, 1,000,000 messages. Generating it takes a while, so it is kept
 * in the temp dir between runs (keyed by a version string) unless NATTER_BENCH_FRESH=1.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open-store.js';
import { generateProfile } from '../src/store/testing/generate-profile.js';

export const PROFILE = { conversations: 200, messages: 1_000_000 };
const VERSION = 'v2';

export function benchProfile(log: (s: string) => void): { home: string; generatedIn?: number } {
  const home = join(tmpdir(), `natter-bench-${VERSION}-${PROFILE.conversations}-${PROFILE.messages}`);
  const marker = join(home, 'complete');
  if (existsSync(marker) && process.env.NATTER_BENCH_FRESH !== '1') return { home };
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(join(home, 'config.toml'), '# benchmark profile: stored conversations only, no accounts to connect\n', { mode: 0o600 });
  log(`generating ${PROFILE.messages.toLocaleString('en')} messages in ${PROFILE.conversations} conversations…`);
  const started = performance.now();
  const store = openStore(join(home, 'data'));
  try {
    generateProfile(store, PROFILE);
  } finally {
    store.close();
  }
  writeFileSync(marker, new Date().toISOString());
  return { home, generatedIn: performance.now() - started };
}
