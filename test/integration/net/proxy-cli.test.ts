/**
 * From the config file to the wire: `[network] proxy` in a profile's config.toml, the command line (`natter doctor`,
 * `natter send`, run from this build in a child process) and a real InspIRCd reached only by a name the SOCKS5 test
 * server resolves. doctor must not probe DNS or connect directly when a proxy is set.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { startInspircd, type InspircdServer } from '../../harness/inspircd.js';
import { RawIrcClient } from '../../harness/raw-irc-client.js';
import { startSocks5Server, type Socks5Server } from '../../harness/socks5-server.js';
import { waitFor } from '../../harness/wait-for.js';
import { skipReason } from '../irc/support.js';

const skip = skipReason();
/** The CLI entry of this build (the tests run from <build>/test/integration/net). */
const main = join(resolve(import.meta.dirname, '../../..'), 'src', 'cli', 'main.js');
let server: InspircdServer;
let proxy: Socks5Server;
let witness: RawIrcClient;
const homes: string[] = [];

function run(home: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `const { main } = await import(${JSON.stringify(main)}); process.exitCode = await main(process.argv);`;
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, 'natter', ...args], {
      env: { ...process.env, NATTER_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

function home(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'natter-proxy-cli-'));
  homes.push(dir);
  writeFileSync(join(dir, 'config.toml'), config, { mode: 0o600 });
  return dir;
}

before(async () => {
  if (skip) return;
  server = await startInspircd();
  proxy = await startSocks5Server({ hosts: { 'irc.natter.test': '127.0.0.1' } });
  witness = await RawIrcClient.connect('127.0.0.1', server.port, 'pwitness');
  witness.join('#proxied');
});
after(async () => {
  if (skip) return;
  witness?.close();
  await proxy?.stop();
  await server?.stop();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

const config = () =>
  `[network]\nproxy = "socks5://127.0.0.1:${proxy.port}"\n\n` +
  `[[accounts]]\nname = "tor"\nprotocol = "irc"\nhost = "irc.natter.test"\nport = ${server.port}\ntls = false\nnick = "torsender"\n`;

test('natter doctor checks the account through the proxy, without a local DNS probe', { skip }, async () => {
  const r = await run(home(config()), ['doctor']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`✓ irc\\.natter\\.test:${server.port} reached through the proxy socks5://127\\.0\\.0\\.1:${proxy.port}`));
  assert.match(r.stdout, /✓ logged in as torsender/);
  assert.doesNotMatch(r.stdout, /resolves to|does not resolve|accepts connections/, 'no DNS or direct TCP probe');
});

test('natter send goes through [network] proxy; an account with proxy = "none" does not', { skip }, async () => {
  const from = proxy.requests.length;
  const r = await run(home(config()), ['send', '--account', 'tor', '--to', '#proxied', 'sent through socks']);
  assert.equal(r.code, 0, r.stderr);
  await waitFor(() => witness.count('#proxied', 'sent through socks') === 1, 'the witness got it');
  assert.ok(proxy.requests.slice(from).some((q) => q.addressType === 'domain' && q.host === 'irc.natter.test'));

  const direct = home(`[network]\nproxy = "socks5://127.0.0.1:${proxy.port}"\n\n[[accounts]]\nname = "d"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = ${server.port}\ntls = false\nnick = "dsender"\nproxy = "none"\n`);
  const before = proxy.requests.length;
  const d = await run(direct, ['send', '--account', 'd', '--to', '#proxied', 'sent directly']);
  assert.equal(d.code, 0, d.stderr);
  await waitFor(() => witness.count('#proxied', 'sent directly') === 1, 'the witness got the direct one');
  assert.equal(proxy.requests.length, before, 'the proxy saw nothing of the direct account');
});
