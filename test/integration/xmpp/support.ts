/** Shared setup for XMPP integration tests against a real Prosody (test/harness/prosody.ts). */
import { createXmppAdapter } from '../../../adapters/xmpp/index.js';
import type { Adapter, AdapterEvent } from '../../../src/core/contract.js';
import { prosodyUnavailable, type ProsodyServer } from '../../harness/prosody.js';
import { recordingContext, type RecordingContext } from '../../harness/irc-context.js';

/**
 * Skip reason for integration tests: only outside CI and only when Prosody cannot be installed. Under CI=true this
 * is always false, so a missing server fails the test instead of skipping it.
 */
export function skipReason(): string | false {
  if (process.env.CI === 'true') return false;
  return prosodyUnavailable() ?? false;
}

export const PASSWORD = 'correct horse battery';

export interface Client {
  adapter: Adapter;
  ctx: RecordingContext;
  jid: string;
}

/** Starts an adapter for `user@localhost` trusting the server's certificate through ca_file, and waits until online. */
export async function client(
  server: ProsodyServer,
  user: string,
  extra: Record<string, unknown> = {},
  options: { waitOnline?: boolean; kv?: RecordingContext['kv']; password?: string } = {},
): Promise<Client> {
  const jid = `${user}@${server.domain}`;
  const ctx = recordingContext({ jid, host: server.host, port: server.port, tls: 'starttls', ca_file: server.caFile, ...extra }, { password: options.password ?? PASSWORD }, user);
  if (options.kv) Object.assign(ctx, { kv: options.kv });
  const adapter = createXmppAdapter();
  await adapter.start(ctx);
  if (options.waitOnline ?? true) await ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', `${jid} online`, 20_000);
  return { adapter, ctx, jid };
}

export type MessageEvent = Extract<AdapterEvent, { type: 'message' }>;

export function messages(c: Client): MessageEvent['message'][] {
  return c.ctx.ofType('message').map((e) => e.message);
}

/** Polls until `pred` holds (state, never fixed sleeps). */
export async function waitUntil(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
