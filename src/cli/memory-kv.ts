/** A key-value space held in memory, for one-shot commands that run an adapter without the profile's store. */
import type { KeyValue } from '../core/contract.js';

export function memoryKv(): KeyValue {
  const m = new Map<string, string>();
  return {
    get: (k) => m.get(k),
    set: (k, v) => void m.set(k, v),
    delete: (k) => void m.delete(k),
    batch: (writes) => writes.forEach(({ key, value }) => (value === undefined ? m.delete(key) : m.set(key, value))),
  };
}
