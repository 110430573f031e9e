/**
 * Matrix adapter entry point. `createMatrixAdapter()` returns a fresh {@link Adapter} for one Matrix account; see
 * adapter.ts for behaviour and options.ts for the config keys it reads.
 */
import type { Adapter } from '../../src/core/contract.js';
import { MatrixAdapter } from './adapter.js';

export function createMatrixAdapter(): Adapter {
  return new MatrixAdapter();
}

export { MatrixAdapter } from './adapter.js';
export { dispatchTimeline, dispatchEphemeral, RecentEvents, type EventView, type Session } from './events/index.js';
export { htmlToSpans } from './html.js';
export { KV_AUTH } from './credentials.js';
export { KV_SYNC } from './sync-store.js';
export { KV_CRYPTO } from './crypto-store.js';
