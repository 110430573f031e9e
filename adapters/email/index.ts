/**
 * Email adapter entry point (chat over email, Delta Chat compatible). `createEmailAdapter()` returns a fresh
 * {@link Adapter} for one email account; see adapter.ts for behaviour and options.ts for the config keys it reads.
 */
import type { Adapter } from '../../src/core/contract.js';
import { EmailAdapter } from './adapter.js';

export function createEmailAdapter(): Adapter {
  return new EmailAdapter();
}

export { EmailAdapter } from './adapter.js';
export { KV_LAST_UID, KV_UIDVALIDITY } from './state.js';
