/** FTS query latency over the 1,000,000-message profile: p50/p99 of 200 queries (one word, two words, a prefix). */
import { join } from 'node:path';
import { openStore } from '../src/store/open-store.js';
import { percentile } from './stats.js';

const queries = ['server', 'deploy release', 'encryption key', 'café', 'сервер', '服务器', 'latency', 'coffee tomorrow', 'kern', 'merge branch'];

export function searchLatency(home: string): { p50: number; p99: number; hits: number } {
  const store = openStore(join(home, 'data'), { readOnly: true });
  const times: number[] = [];
  let hits = 0;
  try {
    for (const q of queries) store.search(q, { limit: 50 }); // warm the page cache
    for (let i = 0; i < 200; i++) {
      const q = queries[i % queries.length]!;
      const t = performance.now();
      hits += store.search(q, { limit: 50 }).length;
      times.push(performance.now() - t);
    }
  } finally {
    store.close();
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), hits };
}
