/**
 * Matrix initial sync of a big account: the in-memory test homeserver (test/harness/matrix-homeserver) gets an
 * account, alice, that is a member of 500 rooms (named, with a topic and 5 messages each from bob, so every room
 * has a timeline and a second member), then natter logs in to it as a new device and syncs for the first time.
 *
 * Two figures:
 * - adapter: a fresh Node process holding only the Matrix adapter (matrix-sync-probe.ts) measures login + crypto
 *   set-up + initial /sync until all 500 conversations were reported, its CPU time, and RSS/heap after it;
 * - TUI: the built natter in tmux (as the first-frame section does) with a fresh profile for the same account,
 *   from launch until the sidebar shows the rooms (the room list is reported and stored in one batch after the
 *   sync is processed, so the first room on screen means all of them are in the store), and its RSS then.
 * The homeserver runs in this (parent) process, so neither figure includes its memory.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startMatrixHomeserver } from '../test/harness/matrix-homeserver/index.js';
import { natterLauncher } from '../test/harness/launcher.js';
import { TmuxSession } from '../test/harness/tmux.js';

const run = promisify(execFile);
const PASSWORD = 'bench password';
export const MATRIX_ROOMS = 500;
const MESSAGES_PER_ROOM = 5;

export interface MatrixSyncResult {
  rooms: number;
  messages: number;
  fillSeconds: number;
  onlineMs?: number;
  /** When the first and the 250th conversation were reported. */
  firstRoomMs?: number;
  halfMs?: number;
  allMs: number;
  /** When the adapter's event loop was free again (initial timelines handled, state persisted). */
  settledMs: number;
  cpuMs: number;
  rssMb: number;
  heapMb: number;
  /** Memory of objects outside the V8 heap (ArrayBuffers, WebAssembly memories). */
  externalMb: number;
  baseRssMb: number;
  baseHeapMb: number;
  tuiMs?: number;
  tuiRssMb?: number;
  tuiError?: string;
  load: number;
}

/** Runs `tasks` with at most `n` at a time. */
async function pool(n: number, count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < count) await task(next++);
  }));
}

export async function matrixInitialSync(): Promise<MatrixSyncResult> {
  const server = await startMatrixHomeserver();
  try {
    const alice = await server.register('alice', PASSWORD);
    const bob = await server.register('bob', PASSWORD);
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}/_matrix/client/v3/${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const t0 = performance.now();
    await pool(8, MATRIX_ROOMS, async (i) => {
      const n = String(i).padStart(3, '0');
      const { room_id } = (await call(bob.accessToken, 'POST', 'createRoom', {
        name: `bench-room-${n}`,
        topic: `room ${n} of the initial sync benchmark`,
        preset: 'private_chat',
        invite: [alice.userId],
      })) as { room_id: string };
      const room = encodeURIComponent(room_id);
      await call(alice.accessToken, 'POST', `rooms/${room}/join`);
      for (let m = 0; m < MESSAGES_PER_ROOM; m++) {
        await call(bob.accessToken, 'PUT', `rooms/${room}/send/m.room.message/t${n}-${m}`, { msgtype: 'm.text', body: `message ${m} in room ${n}` });
      }
    });
    const fillSeconds = (performance.now() - t0) / 1000;

    const probe = join(import.meta.dirname, 'matrix-sync-probe.js');
    const { stdout } = await run(process.execPath, ['--expose-gc', probe, server.url, alice.userId, PASSWORD, String(MATRIX_ROOMS)], { maxBuffer: 1 << 20, timeout: 15 * 60_000 });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<MatrixSyncResult, 'fillSeconds' | 'load'>;
    const tui = await tuiFirstFrame(server.url, alice.userId).catch((e: unknown) => ({ error: e instanceof Error ? e.message.split('\n')[0]! : String(e) }));
    return {
      ...r,
      fillSeconds,
      ...('error' in tui ? { tuiError: tui.error } : { tuiMs: tui.ms, tuiRssMb: tui.rssMb }),
      load: loadavg()[0]!,
    };
  } finally {
    await server.stop();
  }
}

/** natter in tmux with a fresh profile for the account: launch → the sidebar lists the benchmark's rooms. */
async function tuiFirstFrame(url: string, user: string): Promise<{ ms: number; rssMb?: number }> {
  const home = mkdtempSync(join(tmpdir(), 'natter-bench-matrix-'));
  writeFileSync(
    join(home, 'config.toml'),
    `[[accounts]]\nname = "hs"\nprotocol = "matrix"\nhomeserver = "${url}"\nuser = "${user}"\npassword = "${PASSWORD}"\n`,
    { mode: 0o600 },
  );
  const term = new TmuxSession();
  const started = performance.now();
  term.start([process.execPath, natterLauncher()], { width: 120, height: 40, env: { NATTER_HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8' } });
  try {
    await term.waitForScreen((s) => /bench-room-\d{3}/.test(s), 'the rooms in the sidebar', 10 * 60_000);
    const ms = performance.now() - started;
    let rssMb: number | undefined;
    const pid = term.programPid();
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (kb) rssMb = kb / 1024;
    } catch {
      // exited
    }
    return { ms, ...(rssMb !== undefined ? { rssMb } : {}) };
  } finally {
    await term.kill();
    rmSync(home, { recursive: true, force: true });
  }
}
