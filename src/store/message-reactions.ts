/**
 * Message rows to {@link Message} models with their reactions attached: one row at a time, or a whole page with the
 * reactions fetched in one query.
 */
import type { Message } from '../core/model.js';
import { sql } from './queries.js';
import { groupReactions, messageFromRow, type MessageRow } from './rows.js';
import type { StoreContext } from './store-context.js';

export function withReactions(ctx: StoreContext, row: MessageRow): Message {
  const reactions = ctx.stmt(sql.reactionsOf).all(row.id) as unknown as Array<{ key: string; sender_id: string }>;
  return messageFromRow(row, groupReactions(reactions));
}

/** Maps a page of rows to messages with their reactions, fetched in one query. */
export function withReactionsMany(ctx: StoreContext, rows: MessageRow[]): Message[] {
  if (rows.length === 0) return [];
  const reactionRows = ctx.stmt(sql.reactionsOfMany).all(JSON.stringify(rows.map((r) => r.id))) as unknown as Array<{
    message_id: string;
    key: string;
    sender_id: string;
  }>;
  if (reactionRows.length === 0) return rows.map((r) => messageFromRow(r));
  const byMessage = new Map<string, Array<{ key: string; sender_id: string }>>();
  for (const r of reactionRows) {
    let list = byMessage.get(r.message_id);
    if (!list) byMessage.set(r.message_id, (list = []));
    list.push(r);
  }
  return rows.map((r) => messageFromRow(r, groupReactions(byMessage.get(r.id) ?? [])));
}
