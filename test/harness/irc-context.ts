/**
 * A recording AdapterContext for adapter tests: collects every emitted event and log line, and lets a test wait for
 * an event matching a predicate (with a timeout that names what was awaited and what did arrive).
 */
import type { AdapterContext, AdapterEvent, KeyValue } from '../../src/core/contract.js';
import { createLogger } from '../../src/core/logger.js';

export interface RecordingContext extends AdapterContext {
  events: AdapterEvent[];
  logs: string[];
  /** Resolves with the first event (already recorded after index `from`, or future) matching `pred`. */
  waitFor<T extends AdapterEvent = AdapterEvent>(pred: (e: AdapterEvent) => boolean, what: string, timeoutMs?: number, from?: number): Promise<T>;
  /** Events of one type, narrowed. */
  ofType<K extends AdapterEvent['type']>(type: K): Array<Extract<AdapterEvent, { type: K }>>;
}

export function recordingContext(config: Record<string, unknown>, secrets: Record<string, string> = {}, accountId = 'test'): RecordingContext {
  const events: AdapterEvent[] = [];
  const logs: string[] = [];
  const waiters: Array<{ pred: (e: AdapterEvent) => boolean; resolve: (e: AdapterEvent) => void }> = [];
  const store = new Map<string, string>();
  const kv: KeyValue = {
    get: (k) => store.get(k),
    set: (k, v) => void store.set(k, v),
    delete: (k) => void store.delete(k),
    batch: (writes) => {
      for (const w of writes) {
        if (w.value === undefined) store.delete(w.key);
        else store.set(w.key, w.value);
      }
    },
  };
  return {
    accountId,
    config,
    events,
    logs,
    kv,
    log: createLogger({ level: 'debug', sink: (line) => logs.push(line) }),
    now: () => Date.now(),
    secret: async (name) => secrets[name],
    emit(event) {
      events.push(event);
      for (const w of [...waiters]) {
        if (w.pred(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    },
    ofType(type) {
      return events.filter((e) => e.type === type) as never;
    },
    waitFor(pred, what, timeoutMs = 10_000, from = 0) {
      const found = events.slice(from).find(pred);
      if (found) return Promise.resolve(found as never);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: (e: AdapterEvent) => (clearTimeout(timer), resolve(e as never)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          const recent = events.slice(-15).map((e) => JSON.stringify(e).slice(0, 200)).join('\n');
          reject(new Error(`timed out waiting for ${what}; last events:\n${recent}`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
  };
}
