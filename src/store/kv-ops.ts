/**
 * The per-account key/value store ({@link KeyValue}) that adapters get in their context (AdapterContext.kv).
 */
import type { KeyValue } from '../core/contract.js';
import { sql } from './queries.js';
import type { StoreContext } from './store-context.js';

export function kv(ctx: StoreContext, accountId: string): KeyValue {
  const get = (key: string): string | undefined =>
    (ctx.stmt(sql.kvGet).get(accountId, key) as { value: string } | undefined)?.value;
  const set = (key: string, value: string): void => {
    ctx.stmt(sql.kvSet).run(accountId, key, value);
  };
  const del = (key: string): void => {
    ctx.stmt(sql.kvDelete).run(accountId, key);
  };
  return {
    get,
    set,
    delete: del,
    batch: (writes) =>
      ctx.transaction(() => {
        for (const w of writes) {
          if (w.value === undefined) del(w.key);
          else set(w.key, w.value);
        }
      }),
  };
}
