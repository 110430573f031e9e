/**
 * The built natter (the bundle, as it ships) in a real terminal (tmux) with a Matrix account on the in-memory test
 * homeserver: the account comes online (which needs the Rust crypto's WebAssembly, loaded from next to the bundle),
 * the sidebar lists the room bob invited alice into, opening it shows bob's message, and a line typed in the
 * composer reaches the room on the server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MatrixTestServer } from '../harness/matrix-homeserver/index.js';
import { startMatrixHomeserver } from '../harness/matrix-homeserver/index.js';
import { natterLauncher } from '../harness/launcher.js';
import { TmuxSession } from '../harness/tmux.js';
import { waitFor } from '../harness/wait-for.js';

const PASSWORD = 'correct horse battery';
let server: MatrixTestServer;
let term: TmuxSession;
let home: string;
let bobToken = '';
let roomId = '';

function logTail(): string {
  try {
    return readFileSync(join(home, 'state', 'natter.log'), 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

async function call(token: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}/_matrix/client/v3/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

before(async () => {
  server = await startMatrixHomeserver();
  const alice = await server.register('alice', PASSWORD);
  const bob = await server.register('bob', PASSWORD);
  bobToken = bob.accessToken;
  roomId = (await call(bob.accessToken, 'POST', 'createRoom', { name: 'e2e-matrix-room', preset: 'private_chat', invite: [alice.userId] })).room_id as string;
  const room = encodeURIComponent(roomId);
  await call(alice.accessToken, 'POST', `rooms/${room}/join`);
  await call(bob.accessToken, 'PUT', `rooms/${room}/send/m.room.message/t1`, { msgtype: 'm.text', body: 'hello from bob over matrix' });
  home = mkdtempSync(join(tmpdir(), 'natter-e2e-matrix-'));
  writeFileSync(
    join(home, 'config.toml'),
    `[[accounts]]\nname = "hs"\nprotocol = "matrix"\nhomeserver = "${server.url}"\nuser = "${alice.userId}"\npassword = "${PASSWORD}"\n`,
    { mode: 0o600 },
  );
});

after(async () => {
  await term?.kill();
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

test('a Matrix account in the bundled natter: online, room in the sidebar, bob\'s message shown, a typed line sent', { timeout: 240_000 }, async () => {
  term = new TmuxSession();
  term.start([process.execPath, natterLauncher()], { width: 110, height: 30, env: { NATTER_HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8' } });
  try {
    await term.waitForScreen('e2e-matrix-room', 'the room in the sidebar', 120_000);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- natter.log ---\n${logTail()}`, { cause: e });
  }
  assert.ok(!logTail().includes('matrix_sdk_crypto_wasm_bg.wasm'), 'the crypto WebAssembly was found');
  term.keys('C-k');
  await term.waitForScreen(/Switch to conversation/, 'the switcher is open');
  term.type('e2e-matrix');
  await term.waitForScreen(/> e2e-matrix/, 'the query is typed');
  term.keys('Enter');
  await term.waitForScreen('hello from bob over matrix', 'bob\'s message in the timeline', 60_000);
  term.type('hi bob, from the terminal');
  term.keys('Enter');
  // The room as bob reads it on the server, polled until the line is there.
  let bodies: string[] = [];
  let busy = false;
  await waitFor(() => {
    if (!busy) {
      busy = true;
      void call(bobToken, 'GET', `rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=20`)
        .then((page) => (bodies = ((page.chunk ?? []) as Array<{ content?: { body?: unknown } }>).map((e) => String(e.content?.body ?? ''))))
        .catch(() => undefined)
        .finally(() => (busy = false));
    }
    return bodies.includes('hi bob, from the terminal');
  }, 'the typed line in the room on the server', 60_000, 250);
});
