/**
 * Ingest throughput: messages per second persisted (and announced to the UI) by a natter profile joined to a
 * channel on a real InspIRCd on loopback, while 40 independent raw clients flood the channel (InspIRCd reads each
 * client's input slowly, so one flooder measures the server, not natter). The same flood into a raw reader gives the
 * server's own ceiling on this machine; the engine alone (events straight into the ingest path) gives natter's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession } from '../src/app/open-session.js';
import { Engine } from '../src/core/engine/engine.js';
import type { AdapterContext } from '../src/core/contract.js';
import { memoryAccount } from './memory-adapter.js';
import { silentLogger } from '../src/core/logger.js';
import { openStore } from '../src/store/open-store.js';
import { startInspircd } from '../test/harness/inspircd.js';
import { RawIrcClient } from '../test/harness/raw-irc-client.js';
import { waitFor } from '../test/harness/wait-for.js';

const FLOODERS = 40;

async function flooders(port: number): Promise<RawIrcClient[]> {
  const all: RawIrcClient[] = [];
  for (let k = 0; k < FLOODERS; k++) {
    const c = await RawIrcClient.connect('127.0.0.1', port, `flood${k}`);
    c.join('#bench');
    all.push(c);
  }
  return all;
}

function flood(clients: RawIrcClient[], count: number): void {
  const per = Math.ceil(count / clients.length);
  clients.forEach((c, k) => {
    let lines = '';
    for (let i = 0; i < per && k * per + i < count; i++) lines += `PRIVMSG #bench :bench message ${k}-${i} with some ordinary words in it\r\n`;
    c.write(lines);
  });
}

/** The server's ceiling: the same flood into a raw reader that only counts lines. */
export async function serverCeiling(count = 20_000): Promise<{ perSecond: number }> {
  const server = await startInspircd();
  const reader = await RawIrcClient.connect('127.0.0.1', server.port, 'reader');
  reader.join('#bench');
  const clients = await flooders(server.port);
  try {
    await waitFor(() => reader.lines.filter((l) => / JOIN /.test(l)).length >= FLOODERS + 1, 'everyone joined', 30_000);
    let read = 0;
    reader.onLine((l) => {
      if (l.includes('PRIVMSG #bench :bench message')) read++;
    });
    const started = performance.now();
    flood(clients, count);
    await waitFor(() => read >= count, `${count} lines read`, 300_000, 5);
    return { perSecond: count / ((performance.now() - started) / 1000) };
  } finally {
    clients.forEach((c) => c.close());
    reader.close();
    await server.stop();
  }
}

export async function ircIngest(count = 20_000): Promise<{ perSecond: number; notifications: number; stored: number }> {
  const server = await startInspircd();
  const home = mkdtempSync(join(tmpdir(), 'natter-bench-ingest-'));
  writeFileSync(
    join(home, 'config.toml'),
    `[[accounts]]\nname = "bench"\nprotocol = "irc"\nhost = "127.0.0.1"\nport = ${server.port}\ntls = false\nnick = "reader"\nchannels = ["#bench"]\n`,
    { mode: 0o600 },
  );
  const session = await openSession({ env: { ...process.env, NATTER_HOME: home } });
  const clients = await flooders(server.port);
  try {
    await session.engine.start();
    await waitFor(() => session.store.findConversation('bench', '#bench')?.joined, 'natter joined #bench', 30_000);
    await waitFor(() => clients[0]!.lines.some((l) => /^:reader\S* JOIN/.test(l)), 'the flooders saw natter join', 30_000);
    const conv = session.store.findConversation('bench', '#bench')!;
    let notifications = 0;
    session.engine.subscribe((c) => {
      if (c.timelines.includes(conv.id)) notifications++;
    });
    const base = session.store.countMessages(conv.id);
    const started = performance.now();
    flood(clients, count);
    await waitFor(() => session.store.countMessages(conv.id) - base >= count, `${count} messages stored`, 300_000, 20);
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: count / seconds, notifications, stored: session.store.countMessages(conv.id) - base };
  } finally {
    clients.forEach((c) => c.close());
    await session.close();
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** The engine's ceiling: events from an in-process adapter, through sanitizing, dedup and the store. */
export async function engineIngest(count = 200_000): Promise<{ perSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'natter-bench-engine-'));
  const store = openStore(dir);
  let ctx!: AdapterContext;
  const engine = new Engine({
    store,
    log: silentLogger,
    accounts: [memoryAccount('mem', (c) => (ctx = c))],
  });
  await engine.start();
  const started = performance.now();
  const chunk = 5000;
  for (let i = 0; i < count; i += chunk) {
    for (let j = i; j < i + chunk; j++) {
      ctx.emit({
        type: 'message',
        message: { conversation: { remoteId: `#c${j % 50}`, kind: 'channel' }, senderId: `n${j % 97}`, direction: 'in', kind: 'text', body: `message number ${j} with ordinary words`, remoteId: `id${j}`, sentAt: 1_700_000_000_000 + j },
      });
    }
    engine.drain();
    await new Promise((r) => setImmediate(r));
  }
  const seconds = (performance.now() - started) / 1000;
  await engine.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { perSecond: count / seconds };
}
