/**
 * The command line as a user runs it (`node bin/natter.js …` in a child process) against a real InspIRCd:
 * send, search, accounts, doctor, and the clear refusals (bad config, unknown account, unreachable server).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natterLauncher } from '../../harness/launcher.js';
import { inspircdUnavailable, startInspircd, type InspircdServer } from '../../harness/inspircd.js';
import { RawIrcClient } from '../../harness/raw-irc-client.js';
import { waitFor } from '../../harness/wait-for.js';
import { openSession } from '../../../src/app/open-session.js';

const skip = process.env.CI === 'true' ? undefined : inspircdUnavailable();
const bin = natterLauncher();
let server: InspircdServer;
let witness: RawIrcClient;

function run(home: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, NATTER_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

function home(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'natter-cli-'));
  writeFileSync(join(dir, 'config.toml'), config, { mode: 0o600 });
  return dir;
}

const account = (port: number, extra = '') =>
  `[[accounts]]\nname = "local"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = ${port}\nnick = "sender"\n${extra}`;

before(async () => {
  if (skip) return;
  server = await startInspircd({ tls: true });
  witness = await RawIrcClient.connect('127.0.0.1', server.port, 'witness');
  witness.join('#cli');
});

after(async () => {
  if (skip) return;
  witness?.close();
  await server?.stop();
});

test('natter send delivers over verified TLS and exits 0; the witness sees it once', { skip }, async () => {
  const h = home(account(server.tlsPort!, `ca_file = "${server.caFile}"\n`));
  const r = await run(h, ['send', '--account', 'local', '--to', '#cli', 'hello from the command line']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sent to #cli on local/);
  await waitFor(() => witness.count('#cli', 'hello from the command line') === 1, 'the witness got it');
});

test('natter send refuses clearly: unknown account, untrusted certificate, nothing listening', { skip }, async () => {
  const h = home(account(server.tlsPort!));
  const unknown = await run(h, ['send', '--account', 'nope', '--to', '#cli', 'x']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no account named "nope" .*accounts: local/);

  const untrusted = await run(h, ['send', '--account', 'local', '--to', '#cli', 'x']);
  assert.notEqual(untrusted.code, 0);
  assert.match(untrusted.stderr, /certificate/i);

  const closed = home(account(1, 'tls = false\n'));
  const refused = await run(closed, ['send', '--account', 'local', '--to', '#cli', 'x']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /refused|no answer/i);
});

test('an invalid config is refused with file, line, key and what would be valid', { skip }, async () => {
  const h = home(`[[accounts]]\nname = "local"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = 99999\nnick = "x"\n`);
  const r = await run(h, ['accounts']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`${join(h, 'config.toml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: accounts\\[0\\]\\.port: .*65535`));
});

test('natter doctor passes a good account and names the fix for an untrusted certificate', { skip }, async () => {
  const good = await run(home(account(server.tlsPort!, `ca_file = "${server.caFile}"\n`)), ['doctor']);
  assert.equal(good.code, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /✓ certificate trusted/);
  assert.match(good.stdout, /✓ logged in as sender/);

  const bad = await run(home(account(server.tlsPort!)), ['doctor']);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /✗ certificate not trusted: .*set ca_file .*tls_fingerprint = "([0-9A-F]{2}:){31}[0-9A-F]{2}"/);
  assert.ok(bad.stdout.includes(server.fingerprint!), 'the fingerprint shown is the server\'s, ready to pin');
});

test('natter search finds stored messages (text and --json), natter accounts lists state', { skip }, async () => {
  const h = home(account(server.port, 'tls = false\nchannels = ["#cli"]\n'));
  const session = await openSession({ env: { ...process.env, NATTER_HOME: h } });
  await session.engine.start();
  await waitFor(() => session.store.findConversation('local', '#cli')?.joined, 'joined #cli');
  witness.privmsg('#cli', 'searchable kumquat sentence');
  await waitFor(() => session.store.search('kumquat').length === 1, 'stored');

  const accounts = await run(h, ['accounts']);
  assert.equal(accounts.code, 0);
  assert.match(accounts.stdout, /^local\s+irc\s+sender@127\.0\.0\.1:\d+\s+online/m);
  const live = await run(h, ['search', 'kumquat']);
  assert.equal(live.code, 0, live.stderr);
  assert.match(live.stdout, /local\/#cli\s+<witness> searchable «kumquat» sentence/);
  await session.close();

  const json = await run(h, ['search', 'kumq', '--json']);
  const rows = JSON.parse(json.stdout) as Array<{ sender: string; body: string; conversation: string }>;
  assert.deepEqual(rows.map((r) => [r.sender, r.body, r.conversation]), [['witness', 'searchable kumquat sentence', '#cli']]);
  const after = await run(h, ['accounts']);
  assert.match(after.stdout, /offline \(natter is not running\)/);
});
