/** Shared setup for IRC integration tests against a real InspIRCd (test/harness/inspircd.ts). */
import { createIrcAdapter } from '../../../adapters/irc/index.js';
import type { Adapter } from '../../../src/core/contract.js';
import { inspircdUnavailable } from '../../harness/inspircd.js';
import { recordingContext, type RecordingContext } from '../../harness/irc-context.js';

/**
 * Skip reason for integration tests: only outside CI and only when InspIRCd cannot be installed. Under CI=true this
 * is always false, so a missing server fails the test instead of skipping it.
 */
export function skipReason(): string | false {
  if (process.env.CI === 'true') return false;
  return inspircdUnavailable() ?? false;
}

export interface Client {
  adapter: Adapter;
  ctx: RecordingContext;
}

export async function client(config: Record<string, unknown>, waitOnline = true): Promise<Client> {
  const ctx = recordingContext({ tls: false, flood_burst: 50, flood_interval_ms: 50, ...config });
  const adapter = createIrcAdapter();
  await adapter.start(ctx);
  if (waitOnline) await ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', `${String(config.nick)} online`, 20_000);
  return { adapter, ctx };
}
