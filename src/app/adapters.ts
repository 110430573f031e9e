/**
 * Which adapter serves which protocol. Adapters (and their protocol libraries) load on first use, after the
 * interface is on screen, so start-up pays only for what is configured. Protocols without an adapter yet are
 * reported, never silently ignored.
 */
import type { Adapter } from '../core/contract.js';
import type { Protocol } from '../core/model.js';

const loaders: Partial<Record<Protocol, () => Promise<() => Adapter>>> = {
  irc: async () => (await import('../../adapters/irc/index.js')).createIrcAdapter,
  xmpp: async () => (await import('../../adapters/xmpp/index.js')).createXmppAdapter,
  email: async () => (await import('../../adapters/email/index.js')).createEmailAdapter,
  matrix: async () => (await import('../../adapters/matrix/index.js')).createMatrixAdapter,
};

/** A factory building a fresh adapter for the protocol, or undefined when natter has none yet. */
export function adapterFactory(protocol: Protocol): (() => Promise<Adapter>) | undefined {
  const load = loaders[protocol];
  return load ? async () => (await load())() : undefined;
}

export function unavailableReason(protocol: Protocol): string | undefined {
  return loaders[protocol] ? undefined : `${protocol} accounts are not supported by this version of natter yet`;
}
