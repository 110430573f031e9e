import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MatrixEvent } from 'matrix-js-sdk';
import { KnownMembership } from 'matrix-js-sdk';
import { matrixTestTarget, type MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { waitFor } from '../../harness/wait-for.js';
import { releaseSdkTimers, sdkClient, type SdkClient } from './sdk-client.js';
import { waitForAsync } from './support.js';

// The nio peer script lives next to the harness sources (tsc does not copy .py files into the build directory).
const here = fileURLToPath(new URL('.', import.meta.url));
const script = [join(here, '../../harness/matrix-homeserver/nio-peer.py'), join(here, '../../../../test/harness/matrix-homeserver/nio-peer.py')].find(existsSync);

function nioUnavailable(): string | undefined {
  if (!existsSync('/usr/bin/python3')) return '/usr/bin/python3 missing';
  const r = spawnSync('/usr/bin/python3', ['-c', 'import nio, olm'], { encoding: 'utf8' });
  if (r.status !== 0) return `python3-matrix-nio / python3-olm missing: ${r.stderr.trim().split('\n').pop()}`;
  return script ? undefined : 'nio-peer.py not found';
}

const unavailable = nioUnavailable();
// Under CI the Debian packages are installed (test/harness/debian-packages.sh): a missing peer is a failure there.
const skip = unavailable && process.env['CI'] !== 'true' ? unavailable : false;
const target = matrixTestTarget();
let server: MatrixTestServer;
let alice: SdkClient;
let store: string;

before(async () => {
  if (skip) return;
  server = await target.start();
  alice = await sdkClient(server, 'alice');
  store = mkdtempSync(join(tmpdir(), 'natter-nio-'));
});

after(async () => {
  if (skip) return;
  alice?.stop();
  await server?.stop();
  releaseSdkTimers();
  rmSync(store, { recursive: true, force: true });
});

test('matrix-nio (python-olm) and matrix-js-sdk (Rust crypto) exchange Megolm messages both ways through the server', { skip }, async () => {
  assert.equal(unavailable, undefined, unavailable);
  const bob = await server.register('nio-bob', 'nio password');
  const { room_id: roomId } = await alice.client.createRoom({
    invite: [bob.userId],
    initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  const peer = spawn('/usr/bin/python3', [script!, server.url, bob.userId, 'nio password', roomId, 'hello from nio', 'hello from js', store], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exit: number | null | undefined;
  peer.on('exit', (code) => {
    exit = code;
  });
  let buf = '';
  peer.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      lines.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
      buf = buf.slice(i + 1);
    }
  });
  peer.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    await waitFor(() => lines.some((l) => l['ready']) || exit !== undefined, 'nio peer joined', 120_000);
    assert.ok(lines.some((l) => l['ready']), `nio peer failed: ${JSON.stringify(lines)} ${stderr.slice(-2000)}`);
    await waitFor(() => alice.client.getRoom(roomId)?.getMember(bob.userId)?.membership === KnownMembership.Join, 'alice sees nio joined', 60_000);
    await waitForAsync(async () => (await alice.client.getCrypto()!.getUserDeviceInfo([bob.userId], true)).get(bob.userId)?.size, 'alice knows the nio device', 60_000);
    await alice.client.sendTextMessage(roomId, 'hello from js');

    let fromNio: MatrixEvent | undefined;
    await waitFor(() => {
      fromNio = alice.client.getRoom(roomId)?.getLiveTimeline().getEvents().find((e) => e.getSender() === bob.userId && e.getContent()['body'] === 'hello from nio');
      return fromNio;
    }, 'js-sdk decrypts the nio message', 120_000);
    assert.equal(fromNio!.isEncrypted(), true);
    await waitFor(() => exit !== undefined, 'nio peer done', 120_000);
    assert.equal(exit, 0, `nio peer: ${JSON.stringify(lines)} ${stderr.slice(-2000)}`);
    const got = lines.find((l) => l['received']);
    assert.equal(got?.['received'], 'hello from js');
    assert.equal(got?.['sender'], alice.userId);
    assert.equal(got?.['decrypted'], true);
  } finally {
    if (exit === undefined) peer.kill();
  }
});
