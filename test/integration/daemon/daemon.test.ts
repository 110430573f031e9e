/**
 * The `natter daemon` process (the built CLI) against a real InspIRCd: its socket is private (0600 in a 0700
 * directory), a second daemon or a standalone natter for the profile is refused in plain words, a UI of another
 * version is refused with the restart hint, `--stop` stops it, and its outbox survives a restart: a message queued
 * while the IRC server is down is sent exactly once after both come back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { inspircdUnavailable, startInspircd, type InspircdServer } from '../../harness/inspircd.js';
import { RawIrcClient } from '../../harness/raw-irc-client.js';
import { waitFor } from '../../harness/wait-for.js';
import { DaemonLink } from '../../../src/daemon/daemon-link.js';
import { encodeFrame, LineDecoder, type DaemonFrame } from '../../../src/daemon/protocol.js';
import { daemonSocketPath } from '../../../src/daemon/socket-path.js';
import { resolveProfile } from '../../../src/config/paths.js';
import { natterVersion } from '../../../src/cli/natter-version.js';
import { openStore } from '../../../src/store/open-store.js';
import { profileLockHolder } from '../../../src/store/lock.js';

const skip = process.env.CI === 'true' ? undefined : inspircdUnavailable();
const repo = resolve(import.meta.dirname, '../../../..');
// NATTER_TEST_LAUNCHER: a launcher of a private build (see scripts/bundle.js); `npm test` uses bin/natter.js.
const launcher = process.env.NATTER_TEST_LAUNCHER || join(repo, 'bin', 'natter.js');
let server: InspircdServer;
let home: string;
let socket: string;
const daemons: ChildProcess[] = [];

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [launcher, ...args], { env: { ...process.env, NATTER_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const log = () => {
  try {
    return readFileSync(join(home, 'state', 'natter.log'), 'utf8');
  } catch {
    return '';
  }
};

/** Starts `natter daemon` and waits until it accepts UIs. */
async function startDaemon(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [launcher, 'daemon'], { env: { ...process.env, NATTER_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  daemons.push(child);
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  await waitFor(() => /natter daemon \(pid \d+\) is running/.test(out) || child.exitCode !== null, 'the daemon runs', 30_000);
  assert.equal(child.exitCode, null, `the daemon exited: ${out}\n${log().slice(-2000)}`);
  return child;
}

const alive = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;

before(async () => {
  if (skip) return;
  server = await startInspircd();
  home = mkdtempSync(join(tmpdir(), 'natter-daemon-'));
  writeFileSync(
    join(home, 'config.toml'),
    `[[accounts]]\nname = "local"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = ${server.port}\ntls = false\nnick = "queued"\nchannels = ["#outbox"]\n`,
    { mode: 0o600 },
  );
  socket = daemonSocketPath(resolveProfile({ NATTER_HOME: home }));
});

after(async () => {
  if (skip) return;
  for (const d of daemons) {
    if (alive(d)) {
      d.kill('SIGTERM');
      await new Promise((r) => d.once('exit', r));
    }
  }
  await server?.stop();
});

test('private socket, one daemon per profile, other versions refused, --stop', { skip }, async () => {
  const daemon = await startDaemon();
  assert.ok(statSync(socket).isSocket());
  assert.equal(statSync(socket).mode & 0o777, 0o600, 'the socket is owner-only');
  assert.equal(statSync(dirname(socket)).mode & 0o777, 0o700, 'in an owner-only directory');

  const second = await run(['daemon']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, new RegExp(`a natter daemon \\(pid ${daemon.pid}\\) already runs for this profile; open a UI on it with \`natter attach\``));
  const detached = await run(['daemon', '--detach']);
  assert.equal(detached.code, 1, 'no background daemon either');
  assert.match(detached.stderr, /already runs for this profile/);
  assert.equal(profileLockHolder(join(home, 'data')), daemon.pid, 'the daemon holds the profile lock');

  // A UI of another natter version: refused with the restart hint, and nothing else.
  const answer = await new Promise<DaemonFrame[]>((resolve, reject) => {
    const s = connect(socket);
    const decoder = new LineDecoder<DaemonFrame>();
    const frames: DaemonFrame[] = [];
    s.on('data', (d: Buffer) => frames.push(...decoder.push(d)));
    s.on('error', reject);
    s.on('close', () => resolve(frames));
    s.write(encodeFrame({ t: 'hello', protocol: 1, version: '0.0.1-old', client: 'x' }));
  });
  assert.equal(answer.length, 1);
  assert.equal(answer[0]?.t, 'refused');
  assert.ok(answer[0]?.t === 'refused' && answer[0].error.startsWith(`natter 0.0.1-old UI cannot attach to a natter ${natterVersion()} daemon: restart the daemon`), JSON.stringify(answer));

  const stopped = await run(['daemon', '--stop']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, new RegExp(`natter daemon \\(pid ${daemon.pid}\\) stopped`));
  await waitFor(() => !alive(daemon), 'the daemon exited');
  assert.equal(daemon.exitCode, 0);
  assert.throws(() => statSync(socket), /ENOENT/, 'the socket is gone');
  const none = await run(['daemon', '--stop']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no natter daemon runs for this profile/);
});

test('the outbox survives a daemon restart: queued while the server is down, sent once when it is back', { skip }, async () => {
  let daemon = await startDaemon();
  const store = openStore(join(home, 'data'), { readOnly: true });
  try {
    const state = () => store.listAccounts().find((a) => a.id === 'local')?.state;
    await waitFor(() => state() === 'online' && store.listConversations().some((c) => c.remoteId === '#outbox'), 'online in #outbox', 30_000);
    const channel = store.listConversations().find((c) => c.remoteId === '#outbox')!;

    await server.down();
    await waitFor(() => state() !== 'online', 'the daemon saw the server go', 30_000);
    const { link } = await DaemonLink.open({ socketPath: socket, version: natterVersion(), onChanges: () => {}, onState: () => {} });
    const result = await link.dispatch({ type: 'send', conversationId: channel.id, body: 'queued while the server was down' });
    link.close();
    assert.deepEqual(result.ok, true, JSON.stringify(result));
    const pending = () => store.messages(channel.id, { limit: 50 }).filter((m) => m.body === 'queued while the server was down');
    assert.deepEqual(pending().map((m) => m.delivery), ['pending'], 'in the outbox');

    const stopped = await run(['daemon', '--stop']);
    assert.equal(stopped.code, 0, stopped.stderr);
    await waitFor(() => !alive(daemon), 'the daemon exited');

    await server.restart();
    const peer = await RawIrcClient.connect('127.0.0.1', server.port, 'peer');
    try {
      peer.join('#outbox');
      await waitFor(() => peer.lines.some((l) => / 366 /.test(l)), 'the peer is in #outbox');
      daemon = await startDaemon();
      await waitFor(() => peer.count('#outbox', 'queued while the server was down') === 1, 'the peer got the queued message', 40_000);
      await waitFor(() => pending()[0]?.delivery === 'sent', 'marked sent', 20_000);
      // Something sent after it arrives after it: had the queued one gone out twice, the peer would have it by now.
      const again = await DaemonLink.open({ socketPath: socket, version: natterVersion(), onChanges: () => {}, onState: () => {} });
      assert.equal((await again.link.dispatch({ type: 'send', conversationId: channel.id, body: 'a later marker' })).ok, true);
      again.link.close();
      await waitFor(() => peer.count('#outbox', 'a later marker') === 1, 'the marker arrived', 20_000);
      assert.equal(peer.count('#outbox', 'queued while the server was down'), 1, 'sent exactly once');
      assert.equal(pending().length, 1, 'one row');
    } finally {
      peer.close();
    }
  } finally {
    store.close();
  }
});

test('natter send while the daemon runs goes through it: no second connection, sent once, confirmed', { skip }, async () => {
  if (!daemons.some(alive)) await startDaemon();
  const store = openStore(join(home, 'data'), { readOnly: true });
  const peer = await RawIrcClient.connect('127.0.0.1', server.port, 'watcher');
  try {
    peer.join('#outbox');
    await waitFor(() => peer.lines.some((l) => / 366 /.test(l)), 'the watcher is in #outbox');
    await waitFor(() => store.listAccounts().find((a) => a.id === 'local')?.state === 'online', 'the daemon is online', 30_000);
    const r = await run(['send', '--account', 'local', '--to', '#outbox', 'sent by natter send']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sent to #outbox on local through the natter daemon/);
    await waitFor(() => peer.count('#outbox', 'sent by natter send') === 1, 'the watcher got it', 20_000);
    assert.ok(peer.lines.some((l) => /^:queued!\S* PRIVMSG #outbox :sent by natter send/.test(l)), 'from the daemon\'s own connection');
    assert.ok(!peer.lines.some((l) => /^:queued_\S* JOIN/.test(l)), 'no second connection joined');
  } finally {
    peer.close();
    store.close();
  }
});

test('--detach starts it in the background and returns once it accepts UIs', { skip }, async () => {
  for (const d of daemons.filter(alive)) {
    d.kill('SIGTERM');
    await new Promise((r) => d.once('exit', r));
  }
  const started = await run(['daemon', '--detach']);
  const pid = profileLockHolder(join(home, 'data'));
  try {
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /natter daemon \(pid \d+\) is running in the background/);
    assert.ok(pid !== undefined && started.stdout.includes(`pid ${pid}`), `the lock holder ${pid} is the daemon named`);
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    const { link, welcome } = await DaemonLink.open({ socketPath: socket, version: natterVersion(), onChanges: () => {}, onState: () => {} });
    link.close();
    assert.equal(welcome.pid, pid);
    const stopped = await run(['daemon', '--stop']);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(profileLockHolder(join(home, 'data')), undefined, 'released');
  } finally {
    if (pid !== undefined && profileLockHolder(join(home, 'data')) === pid) process.kill(pid, 'SIGTERM');
  }
});
