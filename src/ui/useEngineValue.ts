/**
 * The building block of the `useEngine*` hooks: reads a value from the engine through `useSyncExternalStore` and
 * re-reads it only when the version of one of its view keys changed.
 */
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useEngineContext } from './EngineContext.js';
import type { ViewKey } from './engine-view.js';
import type { EngineApi } from '../core/engine-api.js';

export function useEngineValue<T>(keys: readonly ViewKey[], read: (engine: EngineApi) => T): T {
  const { engine, view } = useEngineContext();
  const cache = useRef<{ stamp: string; value: T } | undefined>(undefined);
  const readRef = useRef(read);
  readRef.current = read;
  const stampKey = keys.join('\u0000');
  const getSnapshot = useCallback((): T => {
    const stamp = stampKey + '|' + keys.map((k) => view.version(k)).join(',');
    if (!cache.current || cache.current.stamp !== stamp) {
      cache.current = { stamp, value: readRef.current(engine) };
    }
    return cache.current.value;
    // `keys` is captured through stampKey: the same key list gives the same function.
  }, [engine, view, stampKey]);
  return useSyncExternalStore(view.subscribe, getSnapshot, getSnapshot);
}
