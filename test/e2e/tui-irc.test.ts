/**
 * The built natter in a real terminal (tmux) against a real InspIRCd: it starts, joins, switches conversations with
 * Ctrl-K, sends, shows the peer's reply, survives a resize, and quits cleanly. The peer is a raw IRC client.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspircdUnavailable, startInspircd, type InspircdServer } from '../harness/inspircd.js';
import { RawIrcClient } from '../harness/raw-irc-client.js';
import { TmuxSession } from '../harness/tmux.js';
import { waitFor } from '../harness/wait-for.js';

const skip = process.env.CI === 'true' ? undefined : inspircdUnavailable();
const repo = resolve(import.meta.dirname, '../../..');
let server: InspircdServer;
let peer: RawIrcClient;
let term: TmuxSession;
let home: string;

before(async () => {
  if (skip) return;
  server = await startInspircd();
  peer = await RawIrcClient.connect('127.0.0.1', server.port, 'bob');
  peer.join('#natter');
  peer.join('#second');
  home = mkdtempSync(join(tmpdir(), 'natter-e2e-'));
  writeFileSync(
    join(home, 'config.toml'),
    `[[accounts]]\nname = "local"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = ${server.port}\ntls = false\nnick = "alice"\nchannels = ["#natter", "#second"]\n`,
    { mode: 0o600 },
  );
  term = new TmuxSession();
  term.start([process.execPath, join(repo, 'bin', 'natter.js')], {
    width: 110,
    height: 30,
    env: { NATTER_HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8' },
  });
});

after(async () => {
  if (skip) return;
  await term?.kill();
  peer?.close();
  await server?.stop();
});

test('start, switch with Ctrl-K, send, see the reply, resize, quit', { skip }, async () => {
  await term.waitForScreen((s) => s.includes('#natter') && s.includes('#second'), 'both channels in the sidebar', 30_000);
  await waitFor(() => peer.lines.some((l) => / JOIN :?#second/.test(l) && l.startsWith(':alice')), 'alice joined #second');

  term.keys('C-k');
  await term.waitForScreen(/Switch to conversation/, 'the switcher is open');
  term.type('second');
  await term.waitForScreen(/> second/, 'the query is typed');
  term.keys('Enter');
  await term.waitForScreen((s) => !s.includes('Switch to conversation') && /│#second/.test(s), 'switched to #second');

  term.type('hello from the terminal');
  term.keys('Enter');
  await waitFor(() => peer.count('#second', 'hello from the terminal') === 1, 'bob received it in #second', 15_000);
  assert.equal(peer.count('#natter', 'hello from the terminal'), 0, 'it went to the conversation chosen with Ctrl-K');

  peer.privmsg('#second', 'reply from bob 文字 👩‍👩‍👧');
  await term.waitForScreen('reply from bob', 'the reply is shown');

  term.resize(70, 20);
  await term.waitForScreen((s) => s.split('\n').every((l) => l.length <= 70) && s.includes('reply from bob'), 'redrawn at 70 columns');
  term.resize(120, 34);
  await term.waitForScreen((s) => s.includes('reply from bob') && s.includes('#natter'), 'redrawn larger');

  term.type('/quit');
  term.keys('Enter');
  await waitFor(() => term.exited() && term.exitStatus() !== undefined, 'natter exited', 15_000).catch((e) => {
    let log: string;
    try {
      log = readFileSync(join(home, 'state', 'natter.log'), 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      log = '(no log)';
    }
    const state = `dead=${term.exited()} status=${term.exitStatus()} signal=${term.exitSignal()} ${term.processReport()}`;
    throw new Error(`${(e as Error).message}; ${state}\n--- log tail ---\n${log}`, { cause: e });
  });
  assert.equal(term.exitStatus(), 0);
  await waitFor(() => peer.lines.some((l) => /^:alice\S* QUIT/.test(l)), 'the server saw alice quit');
  const log = readFileSync(join(home, 'state', 'natter.log'), 'utf8');
  assert.ok(log.length > 0, 'logs went to the log file');
});
