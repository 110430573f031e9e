/**
 * One connection attempt of one account without the profile's store, for the one-shot commands (`send`, `doctor`):
 * no reconnecting — a refused, dropped or failed first connection is the answer, in the adapter's plain words.
 */
import type { Adapter, AdapterEvent, KeyValue } from '../core/contract.js';
import type { ConversationKind } from '../core/model.js';
import { createLogger, type LogLevel } from '../core/logger.js';
import type { AccountConfig } from '../config/load.js';
import { accountRuntime } from '../app/open-session.js';
import { memoryKv } from '../core/memory-kv.js';
import { promptHidden } from './prompt-hidden.js';

export interface OneShot {
  adapter: Adapter;
  /** Own address once online (nick, JID …). */
  self?: string;
  /** Conversations the server confirmed we joined (normalized). */
  joined: Set<string>;
  /** The kind of every conversation the adapter announced (normalized remote id → kind). */
  kinds: Map<string, ConversationKind>;
  /** Conversations the adapter reported not joined (a refused join), each with the error notice before it. */
  refused: Map<string, string>;
  /** The first failure reported after going online, if any. */
  failure(): Error | undefined;
  close(reason: string): Promise<void>;
}

export async function connectOnce(
  account: AccountConfig,
  options: { logFile: string; level: LogLevel; scope: string; timeoutMs?: number; kv?: KeyValue },
): Promise<OneShot> {
  const rt = accountRuntime(account, promptHidden);
  if (!rt.factory) throw new Error(rt.unavailable ?? `${account.protocol} is not supported`);
  const adapter = await rt.factory();
  const joined = new Set<string>();
  const kinds = new Map<string, ConversationKind>();
  const refused = new Map<string, string>();
  let lastError: string | undefined;
  let failure: Error | undefined;
  let self: string | undefined;
  let settle!: (error?: Error) => void;
  const ready = new Promise<void>((resolve, reject) => (settle = (e) => (e ? reject(e) : resolve())));
  ready.catch(() => {}); // awaited below; marks an early failure as handled
  const fail = (reason: string) => {
    failure ??= new Error(reason);
    settle(failure);
  };
  const emit = (event: AdapterEvent) => {
    if (event.type === 'connection' && event.state === 'online') {
      self = event.self;
      settle();
    }
    if (event.type === 'connection' && (event.state === 'error' || event.state === 'offline')) fail(event.detail ?? 'connection failed');
    if (event.type === 'notice' && event.level === 'error') lastError = event.text;
    if (event.type === 'conversation') {
      const key = adapter.normalize(event.conversation.remoteId);
      kinds.set(key, event.conversation.kind);
      if (event.conversation.joined) joined.add(key);
      else if (event.conversation.joined === false) refused.set(key, lastError ?? `could not join ${event.conversation.remoteId}`);
    }
  };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = setTimeout(() => fail(`no answer from the server within ${timeoutMs / 1000} s`), timeoutMs);
  const close = async (reason: string) => {
    clearTimeout(timer);
    await adapter.stop(reason).catch(() => {});
  };
  try {
    await adapter.start({
      accountId: account.name,
      // A one-shot session changes nothing lasting on the account (the XMPP adapter leaves the bookmarks alone).
      config: { ...rt.config, _one_shot: true },
      emit,
      // The account's stored state when the caller could open the profile (identity keys, device ids), else a scratch one.
      kv: options.kv ?? memoryKv(),
      log: createLogger({ file: options.logFile, level: options.level }).child(`${options.scope}:${account.name}`),
      now: Date.now,
      secret: rt.secret,
    });
    await ready;
  } catch (error) {
    await close(options.scope);
    throw error;
  }
  return { adapter, self, joined, kinds, refused, failure: () => failure, close };
}
