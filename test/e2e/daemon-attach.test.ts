/**
 * `natter daemon` with UIs attached in real terminals (tmux), against a real InspIRCd: a message typed in one UI shows
 * in both and reaches the peer once; a UI that is killed leaves the IRC connection up (the peer sees no QUIT); a UI
 * attached later sees the history; quitting a UI detaches it only.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspircdUnavailable, startInspircd, type InspircdServer } from '../harness/inspircd.js';
import { RawIrcClient } from '../harness/raw-irc-client.js';
import { TmuxSession } from '../harness/tmux.js';
import { waitFor } from '../harness/wait-for.js';

const skip = process.env.CI === 'true' ? undefined : inspircdUnavailable();
const repo = resolve(import.meta.dirname, '../../..');
// NATTER_TEST_LAUNCHER: a launcher of a private build (see scripts/bundle.js); `npm test` uses bin/natter.js.
const launcher = process.env.NATTER_TEST_LAUNCHER || join(repo, 'bin', 'natter.js');
let server: InspircdServer;
let peer: RawIrcClient;
let home: string;
let daemon: ChildProcess;
let daemonExit: Promise<number | null>;
const terms: TmuxSession[] = [];

const log = () => {
  try {
    return readFileSync(join(home, 'state', 'natter.log'), 'utf8');
  } catch {
    return '';
  }
};

function ui(args: string[]): TmuxSession {
  const term = new TmuxSession();
  terms.push(term);
  term.start([process.execPath, launcher, ...args], { width: 100, height: 28, env: { NATTER_HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8' } });
  return term;
}

/** Switches the UI to #daemon with Ctrl-K (a UI opens on the first conversation, the server's). */
async function openChannel(term: TmuxSession): Promise<void> {
  await term.waitForScreen('#daemon', 'the channel in the sidebar', 30_000);
  term.keys('C-k');
  await term.waitForScreen(/Switch to conversation/, 'the switcher is open');
  term.type('daemon');
  await term.waitForScreen(/> daemon/, 'the query is typed');
  term.keys('Enter');
  await term.waitForScreen((s) => !s.includes('Switch to conversation') && /│#daemon/.test(s), 'switched to #daemon');
}

before(async () => {
  if (skip) return;
  server = await startInspircd();
  peer = await RawIrcClient.connect('127.0.0.1', server.port, 'bob');
  peer.join('#daemon');
  home = mkdtempSync(join(tmpdir(), 'natter-daemon-e2e-'));
  writeFileSync(
    join(home, 'config.toml'),
    `[[accounts]]\nname = "local"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = ${server.port}\ntls = false\nnick = "alice"\nchannels = ["#daemon"]\n`,
    { mode: 0o600 },
  );
  await startDaemon();
  await waitFor(() => peer.lines.some((l) => l.startsWith(':alice') && / JOIN :?#daemon/.test(l)), 'the daemon joined #daemon', 30_000)
    .catch((e: Error) => assert.fail(`${e.message}\nlog:\n${log().slice(-3000)}`));
});

async function startDaemon(): Promise<void> {
  daemon = spawn(process.execPath, [launcher, 'daemon'], { env: { ...process.env, NATTER_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  daemon.stdout?.on('data', (d) => (out += d));
  daemon.stderr?.on('data', (d) => (out += d));
  daemonExit = new Promise((r) => daemon.once('exit', (code) => r(code)));
  await waitFor(() => /is running/.test(out) || daemon.exitCode !== null, 'the daemon runs', 30_000);
  assert.equal(daemon.exitCode, null, out);
}

after(async () => {
  if (skip) return;
  for (const t of terms) await t.kill();
  if (daemon?.exitCode === null) {
    daemon.kill('SIGTERM');
    await daemonExit;
  }
  peer?.close();
  await server?.stop();
});

test('two UIs on one daemon: typed in one, shown in both, sent once; a killed UI keeps the connection; a late UI sees history', { skip }, async () => {
  peer.privmsg('#daemon', 'before anyone attached');
  const one = ui([]); // plain `natter` attaches when a daemon runs
  const two = ui(['attach']);
  for (const t of [one, two]) {
    await openChannel(t);
    await t.waitForScreen('before anyone attached', 'the UI shows the channel\'s history');
  }

  one.type('typed in the first UI');
  one.keys('Enter');
  await waitFor(() => peer.count('#daemon', 'typed in the first UI') === 1, 'bob got it', 20_000);
  for (const t of [one, two]) await t.waitForScreen('typed in the first UI', 'both UIs show it');

  peer.privmsg('#daemon', 'bob answers both');
  for (const t of [one, two]) await t.waitForScreen('bob answers both', 'both UIs show the answer');

  // Lose the first UI abruptly (as a dropped SSH session would).
  const onePid = one.programPid();
  assert.ok(onePid, 'the first UI runs');
  process.kill(onePid, 'SIGKILL');
  await waitFor(() => one.exited(), 'the first UI is gone');
  await waitFor(() => /a UI detached \(1 attached\)/.test(log()), 'the daemon noticed', 15_000);
  two.type('still connected');
  two.keys('Enter');
  await waitFor(() => peer.count('#daemon', 'still connected') === 1, 'bob got the second UI\'s message', 20_000);
  assert.ok(!peer.lines.some((l) => /^:alice\S* QUIT/.test(l)), 'alice never quit');

  // Quitting a UI detaches it; the daemon stays.
  two.keys('C-q');
  await waitFor(() => two.exitStatus() !== undefined, 'the second UI quit', 30_000)
    .catch((e: Error) => assert.fail(`${e.message}\n${two.screen()}\n${two.processReport()}\n${log().slice(-2000)}`));
  assert.equal(two.exitStatus(), 0, two.screen());
  await waitFor(() => /a UI detached \(0 attached\)/.test(log()), 'the daemon saw it detach', 15_000);
  peer.privmsg('#daemon', 'while nobody watched');
  const three = ui(['attach']);
  await openChannel(three);
  const screen = await three.waitForScreen((s) => s.includes('while nobody watched'), 'a later UI sees what came meanwhile', 30_000);
  assert.ok(screen.includes('typed in the first UI') && screen.includes('still connected'), screen);
  assert.ok(!peer.lines.some((l) => /^:alice\S* QUIT/.test(l)), 'alice never quit');
  assert.equal(daemon.exitCode, null, 'the daemon runs on');
  assert.equal(peer.count('#daemon', 'typed in the first UI'), 1, 'sent exactly once');

  // The daemon goes away under an attached UI: the UI stays, says so, keeps what is typed, and reattaches.
  daemon.kill('SIGTERM');
  assert.equal(await daemonExit, 0);
  await three.waitForScreen(/natter daemon stopped/, 'the UI says the daemon is gone');
  three.type('typed while the daemon was away');
  three.keys('Enter');
  await three.waitForScreen(/reconnecting… \(\d+ waiting\)/, 'the UI holds the message');
  await startDaemon();
  await waitFor(() => peer.count('#daemon', 'typed while the daemon was away') === 1, 'bob got it once the daemon was back', 30_000);
  await three.waitForScreen('typed while the daemon was away', 'the UI shows it');
  peer.privmsg('#daemon', 'after the restart');
  await three.waitForScreen('after the restart', 'live again');
  assert.equal(peer.count('#daemon', 'typed while the daemon was away'), 1, 'sent exactly once');
});
