/**
 * XMPP adapter entry point. `createXmppAdapter()` returns a fresh {@link Adapter} for one XMPP account; see
 * adapter.ts for behaviour and options.ts for the config keys it reads.
 */
import type { Adapter } from '../../src/core/contract.js';
import { XmppAdapter } from './adapter.js';

export function createXmppAdapter(): Adapter {
  return new XmppAdapter();
}

export { XmppAdapter, KV_MAM_LAST, KV_MAM_ROOM } from './adapter.js';
export { normalizeJid, parseJid, bareJid, type Jid } from './jid.js';
export { dispatch, type Session } from './events/index.js';
