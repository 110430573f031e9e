/** Shared setup for email integration tests against real Dovecot and Postfix (test/harness/mail-server.ts). */
import { createEmailAdapter } from '../../../adapters/email/index.js';
import type { Adapter, AdapterEvent, KeyValue } from '../../../src/core/contract.js';
import type { MailServer } from '../../harness/mail-server.js';
import { recordingContext, type RecordingContext } from '../../harness/irc-context.js';

export const PASSWORD = 'correct horse battery';

export interface Client {
  adapter: Adapter;
  ctx: RecordingContext;
  address: string;
}

import { memoryKv } from '../../../src/core/memory-kv.js';

export { memoryKv };

/** Starts an email adapter for `local@domain` trusting the server certificate through ca_file; waits until online. */
export async function client(
  server: MailServer,
  local: string,
  extra: Record<string, unknown> = {},
  options: { kv?: KeyValue; waitOnline?: boolean; secrets?: Record<string, string> } = {},
): Promise<Client> {
  const address = `${local}@${server.domain}`;
  const ctx = recordingContext(
    {
      address,
      imap_host: server.host,
      imap_port: server.imapsPort,
      imap_security: 'tls',
      smtp_host: server.host,
      smtp_port: server.submissionPort,
      smtp_security: 'starttls',
      ca_file: server.caFile,
      ...extra,
    },
    { password: PASSWORD, ...options.secrets },
    local,
  );
  if (options.kv) Object.assign(ctx, { kv: options.kv });
  const adapter = createEmailAdapter();
  await adapter.start(ctx);
  if (options.waitOnline ?? true) await ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', `${address} online`, 30_000);
  return { adapter, ctx, address };
}

export type MessageEvent = Extract<AdapterEvent, { type: 'message' }>;

export function messages(c: Client): MessageEvent['message'][] {
  return c.ctx.ofType('message').map((e) => e.message);
}

/** Waits for a message event whose body is `body`, after event index `from`. */
export async function received(c: Client, body: string, from = 0, timeoutMs = 60_000): Promise<MessageEvent['message']> {
  const e = (await c.ctx.waitFor((ev) => ev.type === 'message' && ev.message.body === body, `${c.address} receives "${body}"`, timeoutMs, from)) as MessageEvent;
  return e.message;
}

export function direct(to: string) {
  return { remoteId: to, kind: 'direct' as const };
}
