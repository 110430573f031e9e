/**
 * An in-process adapter for benchmarks: it hands its context out so a benchmark can emit events straight into the
 * engine's ingest path, with no network in between.
 */
import type { AdapterContext } from '../src/core/contract.js';
import type { AccountRuntime } from '../src/core/engine/account-runtime.js';

export function memoryAccount(id: string, onStart: (ctx: AdapterContext) => void): AccountRuntime {
  return {
    id,
    protocol: 'irc',
    enabled: true,
    config: {},
    secret: async () => undefined,
    factory: () => ({
      protocol: 'irc',
      capabilities: { edits: false, reactions: false, replies: false, retraction: false, receipts: false, typing: false, history: false, e2ee: false, uploads: false, presence: false, threads: false, messageIds: true },
      start: async (c) => onStart(c),
      stop: async () => {},
      send: async () => ({ state: 'sent' }),
      join: async () => {},
      leave: async () => {},
      history: async () => ({ messages: [] }),
      command: async () => {},
      normalize: (a) => a.toLowerCase(),
    }),
  };
}
