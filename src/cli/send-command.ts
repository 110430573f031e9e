/**
 * `natter send`: connects one account, sends one message, waits for the server's acceptance, and exits.
 * It does not open the store, so it works while a natter interface holds the profile.
 */
import { randomUUID } from 'node:crypto';
import type { AdapterEvent, KeyValue } from '../core/contract.js';
import { createLogger } from '../core/logger.js';
import { loadConfig } from '../config/load.js';
import { resolveProfile } from '../config/paths.js';
import { accountRuntime, logLevel } from '../app/open-session.js';
import { promptHidden } from './prompt-hidden.js';

function memoryKv(): KeyValue {
  const m = new Map<string, string>();
  return {
    get: (k) => m.get(k),
    set: (k, v) => void m.set(k, v),
    delete: (k) => void m.delete(k),
    batch: (w) => w.forEach(({ key, value }) => (value === undefined ? m.delete(key) : m.set(key, value))),
  };
}

const fail = (text: string): number => {
  process.stderr.write(`natter send: ${text}\n`);
  return 1;
};

export async function sendCommand(opts: { config?: string; debug?: boolean; account: string; to: string; text: string; timeoutMs?: number }): Promise<number> {
  const profile = resolveProfile();
  const config = loadConfig(opts.config ?? profile.configFile, { required: true });
  const account = config.accounts.find((a) => a.name === opts.account);
  if (!account) {
    const names = config.accounts.map((a) => a.name).join(', ') || 'none';
    return fail(`no account named "${opts.account}" in ${config.file} (accounts: ${names})`);
  }
  const rt = accountRuntime(account, promptHidden);
  if (!rt.factory) return fail(rt.unavailable ?? `${account.protocol} is not supported`);
  const log = createLogger({ file: profile.logFile, level: logLevel(config, opts.debug) }).child(`send:${account.name}`);
  const adapter = rt.factory();
  let online!: () => void;
  let failure: Error | undefined;
  let reject!: (error: Error) => void;
  const ready = new Promise<void>((resolve, rej) => {
    online = resolve;
    reject = rej;
  });
  ready.catch(() => {}); // awaited below; marks an early failure as handled
  const failed = (reason: string) => {
    failure ??= new Error(reason);
    reject(failure);
  };
  const joined = new Set<string>();
  const onEvent = (event: AdapterEvent) => {
    if (event.type === 'connection' && event.state === 'online') online();
    // One attempt is enough for a one-shot command: a refused or dropped first connection is the answer.
    if (event.type === 'connection' && (event.state === 'error' || event.state === 'offline')) failed(event.detail ?? 'connection failed');
    if (event.type === 'conversation' && event.conversation.joined) joined.add(adapter.normalize(event.conversation.remoteId));
  };
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const timer = setTimeout(() => failed(`no answer from the server within ${timeoutMs / 1000} s`), timeoutMs);
  try {
    await adapter.start({
      accountId: account.name,
      config: rt.config,
      emit: onEvent,
      kv: memoryKv(),
      log,
      now: Date.now,
      secret: rt.secret,
    });
    await ready;
    // IRC channels refuse messages from outside (+n), so join first.
    const channel = account.protocol === 'irc' && /^[#&+!]/.test(opts.to);
    if (channel) {
      await adapter.join(opts.to);
      const key = adapter.normalize(opts.to);
      while (!joined.has(key)) {
        if (failure) throw failure;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const result = await adapter.send({
      localId: randomUUID(),
      conversation: { remoteId: opts.to, kind: channel ? 'channel' : 'direct' },
      kind: 'text',
      body: opts.text,
    });
    process.stdout.write(`sent to ${opts.to} on ${account.name}${result.remoteId ? ` (id ${result.remoteId})` : ''}\n`);
    return 0;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
    await adapter.stop('natter send').catch(() => {});
  }
}
