/**
 * The unified inbox across accounts: unread messages (or unread mentions), newest first, in one indexed query
 * (sql.inbox) plus one query for their reactions.
 */
import type { InboxEntry, InboxOptions } from '../core/inbox.js';
import type { Message, Protocol } from '../core/model.js';
import { withReactionsMany } from './message-reactions.js';
import { sql } from './queries.js';
import type { MessageRow } from './rows.js';
import type { StoreContext } from './store-context.js';

/** Longest snippet the inbox carries (the UI cuts it to the row width anyway). */
const SNIPPET_MAX = 200;

/** The body on one line: line breaks and runs of white space become one space, cut to SNIPPET_MAX with an ellipsis. */
export function inboxSnippet(body: string): string {
  const flat = body.replace(/\s+/gu, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= SNIPPET_MAX ? flat : `${chars.slice(0, SNIPPET_MAX - 1).join('')}…`;
}

export function inbox(ctx: StoreContext, options: InboxOptions): InboxEntry[] {
  const limit = Math.max(0, Math.floor(options.limit ?? 200));
  if (limit === 0) return [];
  const rows = ctx.stmt(sql.inbox).all({ mentions: options.mentionsOnly ? 1 : 0, limit }) as unknown as Array<
    MessageRow & { conversation_title: string; protocol: string }
  >;
  const messages = withReactionsMany(ctx, rows);
  return rows.map((row, i) => ({
    message: messages[i] as Message,
    protocol: row.protocol as Protocol,
    conversationTitle: row.conversation_title,
    snippet: inboxSnippet(row.body),
  }));
}
