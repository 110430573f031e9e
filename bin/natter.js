#!/usr/bin/env node
// The launcher: checks the Node version before loading anything that needs a newer one, then starts the CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `natter needs Node.js 22.13 or newer (it uses the built-in node:sqlite); this is Node ${process.versions.node}.\n` +
      'Install a current Node (https://nodejs.org, or your package manager, nvm, fnm) and run natter again.\n',
  );
  process.exit(1);
}
// Node's on-disk compile cache (22.1+) spares re-compiling natter's and its libraries' modules at every start.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(process.argv);
