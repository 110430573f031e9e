/**
 * A KeyValue (the adapter contract's state space) held in memory: for one-shot commands that run an adapter without
 * the profile's store, and for tests and benchmarks (`map` exposes the contents; one instance handed to a second
 * adapter acts as a restart over the same state).
 */
import type { KeyValue } from './contract.js';

export function memoryKv(): KeyValue & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: (k) => map.get(k),
    set: (k, v) => void map.set(k, v),
    delete: (k) => void map.delete(k),
    batch: (writes) => {
      for (const w of writes) {
        if (w.value === undefined) map.delete(w.key);
        else map.set(w.key, w.value);
      }
    },
  };
}
