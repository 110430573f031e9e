#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js) into dist/bundle/: one ESM entry plus lazily loaded chunks, so a
// start loads a few large files instead of ~900 small modules, and unused library code (Ink imports all of
// es-toolkit/compat for one function) is left out. The launcher (bin/natter.js) runs the bundle; tests of the
// launcher (e2e, CLI) therefore exercise exactly what ships.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: { main: 'dist/src/cli/main.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // Ink's optional devtools bridge is never used at run time.
  external: ['react-devtools-core'],
  // CommonJS libraries (irc-framework) call require() for Node built-ins; give the ESM bundle one.
  banner: { js: "import { createRequire as __natterRequire } from 'node:module'; const require = __natterRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
