#!/usr/bin/env node
// Runs the test tiers on the compiled output (npm test builds first). `node test/run.js [tier ...]`; no tier = all.
// Tiers: unit, wire (protocol fixtures), integration (real servers on loopback), e2e (built natter in tmux).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const all = ['unit', 'wire', 'integration', 'e2e'];
const tiers = process.argv.slice(2).length ? process.argv.slice(2) : all;
const files = [];
const walk = (dir) => {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
};
for (const tier of tiers) {
  if (!all.includes(tier)) {
    console.error(`unknown test tier "${tier}"; use one of ${all.join(', ')}`);
    process.exit(2);
  }
  walk(join('dist', 'test', tier));
}
if (files.length === 0) {
  console.error('no test files found under dist/test: run `npm run build` first');
  process.exit(1);
}
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) console.error(`warning: tests expect the project's Node 24, running on ${process.version}`);
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_NO_WARNINGS: '1' },
});
process.exit(r.status ?? 1);
