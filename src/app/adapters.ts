/** Which adapter serves which protocol. Protocols without an adapter yet are reported, never silently ignored. */
import type { AdapterFactory } from '../core/contract.js';
import type { Protocol } from '../core/model.js';
import { createIrcAdapter } from '../../adapters/irc/index.js';

export const adapterFactories: Partial<Record<Protocol, AdapterFactory>> = {
  irc: createIrcAdapter,
};

export function unavailableReason(protocol: Protocol): string | undefined {
  return adapterFactories[protocol] ? undefined : `${protocol} accounts are not supported by this version of natter yet`;
}
