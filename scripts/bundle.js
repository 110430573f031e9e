#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js) into dist/bundle/: one ESM entry plus lazily loaded chunks, so a
// start loads a few large files instead of ~900 small modules, and unused library code (Ink imports all of
// es-toolkit/compat for one function) is left out. The launcher (bin/natter.js) runs the bundle; tests of the
// launcher (e2e, CLI) therefore exercise exactly what ships.
// `node scripts/bundle.js [dir]` bundles another tsc output dir (`<dir>/src/cli/main.js` into `<dir>/bundle`), so a
// private build (`tsc --outDir .build-x`) can be bundled without touching the shared dist/; the default is dist.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2] ?? 'dist';
rmSync(join(dir, 'bundle'), { recursive: true, force: true });
await build({
  entryPoints: { main: join(dir, 'src', 'cli', 'main.js') },
  outdir: join(dir, 'bundle'),
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
// matrix-sdk-crypto-wasm loads its WebAssembly from `./pkg/…_bg.wasm` next to the module (new URL(…, import.meta.url)),
// which, once bundled, is the bundle's own directory: without this copy the Matrix adapter cannot start its crypto.
const wasm = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '@matrix-org', 'matrix-sdk-crypto-wasm', 'pkg', 'matrix_sdk_crypto_wasm_bg.wasm');
mkdirSync(join(dir, 'bundle', 'pkg'), { recursive: true });
copyFileSync(wasm, join(dir, 'bundle', 'pkg', 'matrix_sdk_crypto_wasm_bg.wasm'));
