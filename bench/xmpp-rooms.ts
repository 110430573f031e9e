/**
 * XMPP group chat catch-up: natter's XMPP adapter joins 50 rooms on a private Prosody 0.12 on loopback (the test
 * harness) after being away while 100 messages arrived in each, and catches up through the room archives (MUC MAM,
 * XEP-0313) from the newest message it had seen. Measured: time from start() until every missed message of every
 * room was reported, and the process's RSS and V8 heap after it (and before, for the difference).
 *
 * The adapter runs in this process with a minimal context that keeps the events (what the engine would ingest), so
 * the figure is the protocol side: joins, join history, archive paging and stanza parsing; the store is measured by
 * the ingest section. Bob, who wrote the messages, stays in the rooms (in this process too; the memory before the
 * catch-up includes him).
 */
import { loadavg } from 'node:os';
import type { AdapterContext, AdapterEvent, KeyValue } from '../src/core/contract.js';
import { silentLogger } from '../src/core/logger.js';
import { createXmppAdapter } from '../adapters/xmpp/index.js';
import { prosodyUnavailable, startProsody, type ProsodyServer } from '../test/harness/prosody.js';
import { waitFor } from '../test/harness/wait-for.js';

const PASSWORD = 'bench password';

export interface RoomCatchUpResult {
  rooms: number;
  perRoom: number;
  /** Seconds from start() to the last missed message reported. */
  seconds: number;
  /** Seconds until the adapter was online (part of `seconds`). */
  onlineSeconds: number;
  messages: number;
  rssMb: number;
  heapMb: number;
  baseRssMb: number;
  baseHeapMb: number;
  /** CPU time this process used during the catch-up (the rest of the wall time is Prosody and waiting). */
  cpuSeconds: number;
  /** One-minute load average at the end (Prosody and natter share the machine's cores with whatever else runs). */
  load: number;
}

function memoryKv(): KeyValue {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k),
    set: (k, v) => void map.set(k, v),
    delete: (k) => void map.delete(k),
    batch: (ws) => ws.forEach((w) => (w.value === undefined ? map.delete(w.key) : map.set(w.key, w.value))),
  };
}

function context(server: ProsodyServer, user: string, kv: KeyValue, onEvent: (e: AdapterEvent) => void): AdapterContext {
  return {
    accountId: user,
    config: { jid: `${user}@${server.domain}`, host: server.host, port: server.port, tls: 'starttls', ca_file: server.caFile },
    emit: onEvent,
    kv,
    log: silentLogger,
    now: () => Date.now(),
    secret: async (name) => (name === 'password' ? PASSWORD : undefined),
  };
}

/** A started adapter with its events counted by kind. */
async function session(server: ProsodyServer, user: string, kv: KeyValue, rooms: string[], onMessage?: (e: Extract<AdapterEvent, { type: 'message' }>) => void) {
  const joined = new Set<string>();
  let online = false;
  const adapter = createXmppAdapter();
  await adapter.start(
    context(server, user, kv, (e) => {
      if (e.type === 'connection' && e.state === 'online') online = true;
      else if (e.type === 'members' && e.replace) joined.add(e.conversationRemoteId);
      else if (e.type === 'message') onMessage?.(e);
    }),
  );
  for (const room of rooms) await adapter.join(room);
  return { adapter, joined, isOnline: () => online };
}

/** Undefined when Prosody cannot run here (the section then says why and skips). */
export function xmppRoomsUnavailable(): string | undefined {
  return prosodyUnavailable();
}

export async function xmppRoomCatchUp(roomCount = 50, perRoom = 100): Promise<RoomCatchUpResult> {
  const server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD } });
  const rooms = Array.from({ length: roomCount }, (_, i) => `bench${i}@${server.muc}`);
  try {
    // Bob creates the rooms; alice joins them and sees one message in each (her catch-up starts after it).
    const bob = await session(server, 'bob', memoryKv(), rooms);
    await waitFor(() => bob.joined.size === roomCount, 'bob in every room', 120_000);
    const aliceKv = memoryKv();
    const seenFirst = new Set<string>();
    const first = await session(server, 'alice', aliceKv, rooms, (e) => {
      if (e.message.body === 'hello') seenFirst.add(e.message.conversation.remoteId);
    });
    await waitFor(() => first.joined.size === roomCount, 'alice in every room', 120_000);
    await Promise.all(rooms.map((room, i) => bob.adapter.send({ localId: `hello-${i}`, conversation: { remoteId: room, kind: 'group' }, kind: 'text', body: 'hello' })));
    await waitFor(() => seenFirst.size === roomCount, 'alice saw a message in every room', 120_000);
    await first.adapter.stop();

    // While alice is away, 100 messages arrive in each room.
    await Promise.all(
      rooms.map(async (room, r) => {
        for (let i = 0; i < perRoom; i++) {
          await bob.adapter.send({ localId: `m-${r}-${i}`, conversation: { remoteId: room, kind: 'group' }, kind: 'text', body: `missed ${i} in room ${r}: some ordinary words to make it a realistic line` });
        }
      }),
    );
    // Bob stays: a room whose last occupant leaves is destroyed (Prosody's rooms are not persistent by default).

    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage();
    const missed = new Map<string, Set<string>>(rooms.map((r) => [r, new Set<string>()]));
    let complete = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    let onlineAt = 0;
    const alice = await session(server, 'alice', aliceKv, rooms, (e) => {
      const seen = missed.get(e.message.conversation.remoteId);
      if (!seen || !e.message.body.startsWith('missed ')) return;
      const before = seen.size;
      seen.add(e.message.body);
      if (seen.size === perRoom && before < perRoom) complete++;
    });
    await waitFor(() => alice.isOnline() && (onlineAt ||= performance.now()) > 0, 'alice online', 60_000, 5);
    await waitFor(() => complete === roomCount, 'every room caught up', 300_000, 5);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    await alice.adapter.stop();
    await bob.adapter.stop();
    const mb = (n: number) => n / 1024 / 1024;
    return {
      rooms: roomCount,
      perRoom,
      seconds,
      onlineSeconds: (onlineAt - started) / 1000,
      messages: [...missed.values()].reduce((n, s) => n + s.size, 0),
      rssMb: mb(mem.rss),
      heapMb: mb(mem.heapUsed),
      baseRssMb: mb(base.rss),
      baseHeapMb: mb(base.heapUsed),
      cpuSeconds: (used.user + used.system) / 1e6,
      load: loadavg()[0] ?? NaN,
    };
  } finally {
    await server.stop();
  }
}
