/** An in-memory KeyValue (the contract's interface) for OMEMO unit tests. */
import type { KeyValue } from '../../../src/core/contract.js';

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
