/**
 * Full-text search of the store (FTS5): the newest matches within a window of the most recently stored ones, with
 * snippets and conversation titles, in two queries (see sql.searchSeqs, searchRows); the snippets are cut from the
 * bodies in TypeScript (search-snippet.ts).
 */
import type { Message, SearchHit } from '../core/model.js';
import { ftsMatchExpression } from './fts-query.js';
import { withReactionsMany } from './message-reactions.js';
import { sql } from './queries.js';
import type { MessageRow } from './rows.js';
import { buildSnippet, snippetPhrases } from './search-snippet.js';
import { fold } from './sql-helpers.js';
import type { StoreContext } from './store-context.js';
import type { SearchOptions } from './types.js';

/** How many of the most recently stored matches search() orders by sent time (see sql.searchSeqs). */
export const SEARCH_WINDOW = 2000;

export function search(ctx: StoreContext, query: string, options: SearchOptions): SearchHit[] {
  const sender = options.sender === undefined || options.sender === '' ? undefined : options.sender;
  const match = ftsMatchExpression(query, {
    ...(options.conversationId !== undefined ? { conversationId: options.conversationId } : {}),
    ...(sender !== undefined ? { sender } : {}),
  });
  if (match === undefined) return [];
  const limit = Math.max(0, Math.floor(options.limit ?? 50));
  if (limit === 0) return [];
  const seqs = ctx.stmt(sql.searchSeqs).all({
    match,
    account: options.accountId ?? null,
    conversation: options.conversationId ?? null,
    sender: sender === undefined ? null : fold(sender),
    window: Math.max(SEARCH_WINDOW, limit * 4),
    limit,
  }) as Array<{ seq: number }>;
  if (seqs.length === 0) return [];
  const list = seqs.map((r) => r.seq);
  const json = JSON.stringify(list);
  const rows = ctx.stmt(sql.searchRows).all(json) as unknown as Array<MessageRow & { conversation_title: string }>;
  const bySeq = new Map<number, MessageRow & { conversation_title: string }>();
  for (const r of rows) bySeq.set(r.seq, r);
  const ordered = list.map((seq) => bySeq.get(seq)).filter((r) => r !== undefined);
  const messages = withReactionsMany(ctx, ordered);
  const phrases = snippetPhrases(query);
  const hits: SearchHit[] = [];
  ordered.forEach((row, i) => {
    const message = messages[i] as Message;
    hits.push({ message, conversationTitle: row.conversation_title, snippet: buildSnippet(row.body, phrases) });
  });
  return hits;
}
