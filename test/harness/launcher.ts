/**
 * Where the tests find the natter launcher a user runs: `bin/natter.js` of this checkout, which starts the bundle in
 * dist/bundle (`npm test` builds it first). `NATTER_TEST_LAUNCHER` names another launcher for a private build (a copy
 * of bin/natter.js importing `<outDir>/bundle/main.js`, bundled with `node scripts/bundle.js <outDir>`), so tests can
 * run while the shared dist/ holds someone else's build.
 */
import { join, resolve } from 'node:path';

/** The repository root, from this file's compiled place (`<outDir>/test/harness/`). */
export const repoRoot = resolve(import.meta.dirname, '../../..');

/** Path of the natter launcher the tests run with `process.execPath`. */
export function natterLauncher(): string {
  return process.env.NATTER_TEST_LAUNCHER || join(repoRoot, 'bin', 'natter.js');
}
