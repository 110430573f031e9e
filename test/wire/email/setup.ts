/** Feeds .eml fixtures (test/fixtures/email) through the email adapter's inbound path without a server. */
import { readFileSync } from 'node:fs';
import { Autocrypt, KV_OWN_KEY } from '../../../adapters/email/autocrypt.js';
import { readOptions } from '../../../adapters/email/options.js';
import { EmailState } from '../../../adapters/email/state.js';
import { handleRaw } from '../../../adapters/email/sync.js';
import { recordingContext, type RecordingContext } from '../../harness/irc-context.js';

const FIXTURES = new URL('../../../../test/fixtures/email/', import.meta.url);

export function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

export interface Inbox {
  s: EmailState;
  ctx: RecordingContext;
  /** Reads one raw message as if sync had fetched it; resolves with the events it caused. */
  feed(raw: Buffer | string, receivedAt?: number): Promise<RecordingContext['events']>;
}

/** bob@example.org's adapter state, with the fixture key `bob.key.asc` as the own key. */
export function inbox(config: Record<string, unknown> = {}): Inbox {
  const ctx = recordingContext({ address: 'bob@example.org', ...config }, {}, 'bob');
  ctx.kv.set(KV_OWN_KEY, fixture('bob.key.asc').toString('utf8'));
  const s = new EmailState();
  s.ctx = ctx;
  s.log = ctx.log;
  s.opts = readOptions(ctx.config);
  s.ac = new Autocrypt(ctx.kv, s.opts.address, s.log);
  return {
    s,
    ctx,
    async feed(raw, receivedAt = Date.parse('2026-11-20T12:00:00Z')) {
      const from = ctx.events.length;
      await handleRaw(s, Buffer.isBuffer(raw) ? raw : Buffer.from(raw), receivedAt);
      return ctx.events.slice(from);
    },
  };
}
