/** `natter search`: full-text search over the store, read-only (works while the interface runs). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveProfile } from '../config/paths.js';
import { openStore } from '../store/open-store.js';

export async function searchCommand(opts: { query: string; json?: boolean; account?: string; from?: string; limit: string }): Promise<number> {
  const profile = resolveProfile();
  const limit = Number.parseInt(opts.limit, 10);
  if (!Number.isInteger(limit) || limit < 1) {
    process.stderr.write(`natter search: --limit must be a positive whole number, not "${opts.limit}"\n`);
    return 2;
  }
  if (!existsSync(join(profile.dataDir, 'natter.db'))) {
    process.stdout.write(opts.json ? '[]\n' : `no messages stored yet in ${profile.dataDir}\n`);
    return 0;
  }
  const store = openStore(profile.dataDir, { readOnly: true });
  try {
    const hits = store.search(opts.query, { accountId: opts.account, sender: opts.from, limit });
    if (opts.json) {
      const rows = hits.map((h) => ({
        account: h.message.accountId,
        conversation: h.conversationTitle,
        sender: h.message.senderName,
        sentAt: new Date(h.message.sentAt).toISOString(),
        body: h.message.body,
        id: h.message.id,
        remoteId: h.message.remoteId ?? null,
      }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else if (hits.length === 0) {
      process.stdout.write(`no messages match "${opts.query}"\n`);
    } else {
      for (const h of hits) {
        const when = new Date(h.message.sentAt).toISOString().replace('T', ' ').slice(0, 16);
        // Bodies in the store are sanitized already; snippets mark matches with U+0002/U+0003, shown as «…».
        const text = h.snippet.replaceAll('\u0002', '«').replaceAll('\u0003', '»').replaceAll('\n', ' ⏎ ');
        process.stdout.write(`${when}  ${h.message.accountId}/${h.conversationTitle}  <${h.message.senderName}> ${text}\n`);
      }
    }
    return 0;
  } finally {
    store.close();
  }
}
