/**
 * Conversation operations of the store: create/merge by (account, key), lookups, the sidebar list, closing and
 * marking read.
 */
import { randomBytes } from 'node:crypto';
import type { SQLInputValue } from 'node:sqlite';
import type { Conversation } from '../core/model.js';
import { sql } from './queries.js';
import { conversationFromRow, toJson, type ConversationRow } from './rows.js';
import { boolParam } from './sql-helpers.js';
import type { StoreContext } from './store-context.js';
import type { ConversationInput } from './types.js';

function newConversationId(): string {
  // Letters and digits only: the id is also one token in the FTS index (conversation filter).
  return `c${randomBytes(8).toString('hex')}`;
}

export function upsertConversation(ctx: StoreContext, input: ConversationInput, reopen: boolean): Conversation {
  const params: Record<string, SQLInputValue> = {
    id: newConversationId(),
    account_id: input.accountId,
    key: input.key,
    remote_id: input.remoteId,
    kind: input.kind,
    title: input.title ?? null,
    topic: input.topic ?? null,
    joined: boolParam(input.joined),
    encrypted: boolParam(input.encrypted),
    ext: toJson(input.ext),
    set_invited: input.invitedBy !== undefined ? 1 : 0,
    invited_by: input.invitedBy ?? null,
    parent_id: input.parentId ?? null,
    reopen: reopen ? 1 : 0,
  };
  const row = ctx.stmt(sql.upsertConversation).get(params) as unknown as ConversationRow;
  return conversationFromRow(row);
}

export function getConversation(ctx: StoreContext, id: string): Conversation | undefined {
  const row = ctx.stmt(sql.conversationById).get(id) as ConversationRow | undefined;
  return row && conversationFromRow(row);
}

export function findConversation(ctx: StoreContext, accountId: string, key: string): Conversation | undefined {
  const row = ctx.stmt(sql.conversationByKey).get(accountId, key) as ConversationRow | undefined;
  return row && conversationFromRow(row);
}

export function listConversations(ctx: StoreContext, options?: { includeClosed?: boolean }): Conversation[] {
  const rows = ctx.stmt(sql.listConversations).all(options?.includeClosed ? 1 : 0) as unknown as ConversationRow[];
  return rows.map(conversationFromRow);
}

export function setConversationClosed(ctx: StoreContext, id: string, closed: boolean): void {
  ctx.stmt(sql.setClosed).run(closed ? 1 : 0, id);
}

export function markRead(ctx: StoreContext, id: string, seq: number): Conversation | undefined {
  const row = ctx.stmt(sql.markRead).get({ id, seq }) as ConversationRow | undefined;
  return row && conversationFromRow(row);
}
