/**
 * Child process of the Matrix initial-sync benchmark (matrix-sync.ts): a fresh Node process with nothing but one
 * natter Matrix adapter, so its memory figures are the adapter's own (the homeserver runs in the parent). Logs in as
 * a new device, syncs for the first time, and prints one JSON line: time to online, time until `expected` distinct
 * conversations were reported, time until the event loop was free again after that, CPU time, and RSS/heap after it (after a GC when run with --expose-gc).
 *
 * Usage: node matrix-sync-probe.js <homeserver url> <user id> <password> <expected conversations>
 */
import type { AdapterContext, KeyValue } from '../src/core/contract.js';
import { silentLogger } from '../src/core/logger.js';
import { createMatrixAdapter } from '../adapters/matrix/index.js';
import { waitFor } from '../test/harness/wait-for.js';

const [url, user, password, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);

function memoryKv(): KeyValue {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k),
    set: (k, v) => void map.set(k, v),
    delete: (k) => void map.delete(k),
    batch: (ws) => ws.forEach((w) => (w.value === undefined ? map.delete(w.key) : map.set(w.key, w.value))),
  };
}

const rooms = new Set<string>();
let messages = 0;
let onlineAt: number | undefined;
let firstRoomAt: number | undefined;
let halfAt: number | undefined;
let allAt: number | undefined;
const gc = (globalThis as { gc?: () => void }).gc;
const ctx: AdapterContext = {
  accountId: 'bench',
  config: { user, homeserver: url, timeline_limit: 20 },
  emit: (e) => {
    if (e.type === 'conversation') {
      rooms.add(e.conversation.remoteId);
      firstRoomAt ??= performance.now();
      if (rooms.size >= expected / 2) halfAt ??= performance.now();
      if (rooms.size >= expected) allAt ??= performance.now();
    }
    else if (e.type === 'message') messages++;
    else if (e.type === 'connection' && e.state === 'online' && onlineAt === undefined) onlineAt = performance.now();
  },
  kv: memoryKv(),
  log: silentLogger,
  now: () => Date.now(),
  secret: async (name) => (name === 'password' ? password : undefined),
};

gc?.();
const base = process.memoryUsage();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const adapter = createMatrixAdapter();
await adapter.start(ctx);
await waitFor(() => rooms.size >= expected, `${expected} conversations`, 10 * 60_000, 10);
// The poll above runs when the event loop is free again: the initial sync's timelines handled and its state persisted.
const settledMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
gc?.();
const mem = process.memoryUsage();
process.stdout.write(
  JSON.stringify({
    rooms: rooms.size,
    messages,
    onlineMs: onlineAt === undefined ? undefined : onlineAt - t0,
    firstRoomMs: firstRoomAt === undefined ? undefined : firstRoomAt - t0,
    halfMs: halfAt === undefined ? undefined : halfAt - t0,
    allMs: allAt! - t0,
    settledMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: mem.rss / 2 ** 20,
    heapMb: mem.heapUsed / 2 ** 20,
    externalMb: mem.external / 2 ** 20,
    baseRssMb: base.rss / 2 ** 20,
    baseHeapMb: base.heapUsed / 2 ** 20,
  }) + '\n',
);
await adapter.stop().catch(() => undefined);
// matrix-js-sdk leaves a timer per /sync request armed after stopClient(); nothing else is left to do.
process.exit(0);
