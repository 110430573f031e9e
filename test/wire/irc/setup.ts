/** Starts a fake server and an IRC adapter connected to it, waits until the adapter is online. */
import { createIrcAdapter } from '../../../adapters/irc/index.js';
import type { Adapter } from '../../../src/core/contract.js';
import { recordingContext, type RecordingContext } from '../../harness/irc-context.js';
import { FakeIrcServer, MODERN_CAPS, type FakeConnection, type FakeOptions } from './fake-server.js';

export interface WireSetup {
  server: FakeIrcServer;
  conn: FakeConnection;
  adapter: Adapter;
  ctx: RecordingContext;
  stop(): Promise<void>;
}

export async function connectAdapter(
  config: Record<string, unknown> = {},
  serverOptions: FakeOptions = { caps: MODERN_CAPS },
  secrets: Record<string, string> = {},
): Promise<WireSetup> {
  const server = await new FakeIrcServer(serverOptions).start();
  const ctx = recordingContext(
    { host: '127.0.0.1', port: server.port, tls: false, nick: 'alice', username: 'alice', realname: 'Alice', flood_burst: 1000, flood_interval_ms: 1, ...config },
    secrets,
  );
  const adapter = createIrcAdapter();
  await adapter.start(ctx);
  const conn = await server.connection(0);
  await ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'online');
  return {
    server,
    conn,
    adapter,
    ctx,
    async stop() {
      await adapter.stop();
      await server.stop();
    },
  };
}
