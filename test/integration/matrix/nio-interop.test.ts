/**
 * Interop with an independent Olm/Megolm implementation: matrix-nio with libolm (Debian python3-matrix-nio and
 * python3-olm, which load only in /usr/bin/python3) as the other party of an encrypted room, both directions,
 * through the test homeserver. Outside CI the test skips when those Debian packages are missing.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { waitFor } from '../../harness/wait-for.js';
import { client, PASSWORD, releaseTimers, startServer, waitConversation, waitMessage, type Client } from './support.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../../../test/integration/matrix/nio-peer.py', import.meta.url));

function skipReason(): string | false {
  if (process.env.CI === 'true') return false;
  const r = spawnSync(PYTHON, ['-c', 'import nio, olm'], { encoding: 'utf8' });
  return r.status === 0 ? false : 'python3-matrix-nio / python3-olm are not installed';
}

let server: MatrixTestServer;
const running: Client[] = [];
let peer: ChildProcess | undefined;
let store: string | undefined;

after(async () => {
  if (peer && peer.exitCode === null) peer.kill('SIGTERM');
  for (const c of running) await c.adapter.stop();
  await server?.stop();
  if (store) rmSync(store, { recursive: true, force: true });
  releaseTimers();
});

test('natter and matrix-nio (libolm) exchange end-to-end encrypted messages both ways', { timeout: 240_000, skip: skipReason() }, async () => {
  server = await startServer();
  const a = await server.register('alice', PASSWORD);
  const c = await server.register('carol', PASSWORD);
  const alice = await client(server, a.userId);
  running.push(alice);
  store = mkdtempSync(join(tmpdir(), 'natter-nio-'));
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  peer = spawn(PYTHON, [SCRIPT, server.url, c.userId, PASSWORD, store, a.userId, 'hello from natter'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  peer.stdout!.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        stderr += `(stdout) ${line}\n`;
      }
    }
  });
  peer.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const seen = (pred: (l: Record<string, unknown>) => boolean, what: string) =>
    waitFor(() => lines.some(pred), `nio: ${what}; output: ${JSON.stringify(lines)} ${stderr.slice(-2000)}`, 90_000);

  await seen((l) => l.event === 'login', 'login');
  await alice.adapter.command('create', ['Interop']);
  const room = (await waitConversation(alice, (cv) => cv.title === 'Interop' && cv.joined === true, 'room')).remoteId;
  await alice.adapter.command('invite', [c.userId], room);
  await seen((l) => l.event === 'joined' && l.room === room, 'joined');
  await alice.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === room && (e.add ?? []).some((p) => p.id === c.userId), 'carol joined', 60_000);

  // nio → natter.
  await seen((l) => l.event === 'sent', 'sent');
  const fromNio = await waitMessage(alice, room, 'hello from nio', 90_000);
  assert.equal(fromNio.senderId, c.userId);
  assert.equal(fromNio.encryption?.scheme, 'megolm');
  assert.equal(fromNio.encryption?.error, undefined);

  // natter → nio.
  await alice.adapter.send({ localId: 'to-nio', conversation: { remoteId: room, kind: 'group' }, kind: 'text', body: 'hello from natter' });
  await seen((l) => l.event === 'message' && l.body === 'hello from natter' && l.decrypted === true, 'decrypted natter message');
  await seen((l) => l.event === 'done' && l.received === true && l.sent === true, 'done');
  assert.ok(!lines.some((l) => l.event === 'undecryptable' && l.sender === a.userId), 'nio decrypted everything natter sent');
});
