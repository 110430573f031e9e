/**
 * Keystroke-to-frame latency of the real TUI (runTui → Ink) while 200 messages per second arrive in the open
 * conversation: a key goes into a TTY-like stdin and the clock stops at the first frame written to stdout that shows
 * it. The profile is 200 conversations and 100,000 messages (the timeline only ever reads a window, so the size of
 * the store does not enter this figure; the first-frame and search figures use the 1,000,000-message profile).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { AdapterContext } from '../src/core/contract.js';
import { Engine } from '../src/core/engine/engine.js';
import { memoryAccount } from './memory-adapter.js';
import { silentLogger } from '../src/core/logger.js';
import { openStore } from '../src/store/open-store.js';
import { generateProfile } from '../src/store/testing/generate-profile.js';
import { runTui } from '../src/ui/run-tui.js';
import { percentile } from './stats.js';

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;

export async function keystrokeLatency(_home: string, keys = 150, rate = 200): Promise<{ p50: number; p99: number; rate: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'natter-bench-keys-'));
  const store = openStore(dir);
  generateProfile(store, { conversations: 200, messages: 100_000 });
  let ctx!: AdapterContext;
  const engine = new Engine({
    store,
    log: silentLogger,
    accounts: [memoryAccount('bench', (c) => (ctx = c))],
  });
  await engine.start();
  ctx.emit({ type: 'connection', state: 'online', self: 'me' });

  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  let waiting: { mark: string; since: number; done: (ms: number) => void } | undefined;
  const stdout = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        if (waiting && String(chunk).replace(ansi, '').includes(waiting.mark)) {
          const w = waiting;
          waiting = undefined;
          w.done(performance.now() - w.since);
        }
        cb();
      },
    }),
    { isTTY: true, columns: 120, rows: 40 },
  );
  const running = runTui(engine, { stdin, stdout });
  await new Promise((r) => setTimeout(r, 1500)); // first frame and settle

  const target = engine.conversations().find((c) => c.kind !== 'server') ?? engine.conversations()[0]!;
  let n = 0;
  const feed = setInterval(() => {
    for (let i = 0; i < rate / 50; i++) {
      n++;
      ctx.emit({
        type: 'message',
        message: { conversation: { remoteId: target.remoteId, kind: target.kind }, senderId: `peer${n % 13}`, direction: 'in', kind: 'text', body: `live message ${n} arriving during typing`, remoteId: `live-${n}`, sentAt: Date.now() },
      });
    }
  }, 20);

  const times: number[] = [];
  const marks = '§¤¶µ';
  for (let i = 0; i < keys; i++) {
    const mark = marks[i % marks.length]!;
    const ms = await new Promise<number>((resolve) => {
      // Each key has its own wait and its own fallback, cleared when the frame shows it (a late fallback of an
      // earlier key must never cancel the wait of a later one that happens to use the same mark).
      const wait = {
        mark,
        since: performance.now(),
        done: (elapsed: number) => {
          clearTimeout(fallback);
          resolve(elapsed);
        },
      };
      const fallback = setTimeout(() => {
        if (waiting === wait) waiting = undefined;
        resolve(1000);
      }, 1000);
      waiting = wait;
      stdin.write(mark);
    });
    times.push(ms);
    stdin.write('\x7f'); // backspace: the next mark is the only one in the composer
    await new Promise((r) => setTimeout(r, 40));
  }
  clearInterval(feed);
  stdin.write('\x11'); // Ctrl-Q
  await Promise.race([running, new Promise((r) => setTimeout(r, 3000))]);
  await engine.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { p50: percentile(times, 50), p99: percentile(times, 99), rate };
}
