/**
 * Message operations of the store: inserting with dedup (and FTS indexing and the conversation's counters in the same
 * transaction), lookups, the outbox, patches, reactions and timeline pages.
 */
import type { SQLInputValue } from 'node:sqlite';
import { NatterError } from '../core/errors.js';
import type { Message, PageCursor } from '../core/model.js';
import { withReactions, withReactionsMany } from './message-reactions.js';
import { sql } from './queries.js';
import { encryptionToJson, toJson, type MessageRow } from './rows.js';
import { boolParam } from './sql-helpers.js';
import type { StoreContext } from './store-context.js';
import type { InsertResult, MessagePatch, NewMessage } from './types.js';

export function insertMessage(ctx: StoreContext, m: NewMessage): InsertResult {
  return ctx.atomic(() => {
    const result = ctx.stmt(sql.insertMessage).run(
      m.id,
      m.accountId,
      m.conversationId,
      m.remoteId ?? null,
      m.dedupKey ?? null,
      m.senderId,
      m.senderName,
      m.direction,
      m.kind,
      m.body,
      m.spans === undefined ? null : JSON.stringify(m.spans),
      m.sentAt,
      m.receivedAt,
      m.replyTo ?? null,
      m.delivery ?? null,
      encryptionToJson(m.encryption),
      m.mentionsMe ? 1 : 0,
      m.countsUnread ? 1 : 0,
      toJson(m.ext),
      m.threadId ?? null,
      m.attachments && m.attachments.length > 0 ? JSON.stringify(m.attachments) : null,
    );
    if (result.changes === 0) return { inserted: false, existing: conflicting(ctx, m) };
    const seq = Number(result.lastInsertRowid);
    for (const alt of m.altIds ?? []) {
      if (alt !== m.remoteId) ctx.stmt(sql.insertAltId).run(m.conversationId, alt, m.id);
    }
    if (m.kind !== 'event') {
      ctx.stmt(sql.ftsInsert).run(seq, m.body, m.conversationId, `${m.senderId} ${m.senderName}`);
    }
    const counts = m.countsUnread ? 1 : 0;
    ctx.stmt(sql.bumpConversation).run(m.sentAt, counts, counts && (m.mentionsMe ? 1 : 0), counts, m.conversationId);
    const message: Message = {
      id: m.id,
      seq,
      accountId: m.accountId,
      conversationId: m.conversationId,
      senderId: m.senderId,
      senderName: m.senderName,
      direction: m.direction,
      kind: m.kind,
      body: m.body,
      sentAt: m.sentAt,
      receivedAt: m.receivedAt,
      retracted: false,
      encryption: { ...m.encryption },
      mentionsMe: m.mentionsMe,
      reactions: [],
    };
    if (m.remoteId !== undefined) message.remoteId = m.remoteId;
    if (m.spans !== undefined) message.spans = m.spans;
    if (m.replyTo !== undefined) message.replyTo = m.replyTo;
    if (m.delivery !== undefined) message.delivery = m.delivery;
    if (m.threadId !== undefined) message.threadId = m.threadId;
    if (m.attachments && m.attachments.length > 0) message.attachments = m.attachments;
    if (m.ext !== undefined) message.ext = m.ext;
    return { inserted: true, message };
  });
}

/** The row that made an insert a no-op: same remote id, same dedup key, or (a caller bug) the same local id. */
function conflicting(ctx: StoreContext, m: NewMessage): Message {
  let row: MessageRow | undefined;
  if (m.remoteId !== undefined) row = ctx.stmt(sql.messageByRemoteId).get(m.conversationId, m.remoteId) as MessageRow | undefined;
  if (!row && m.dedupKey !== undefined) {
    row = ctx.stmt(sql.messageByDedupKey).get(m.conversationId, m.dedupKey) as MessageRow | undefined;
  }
  row ??= ctx.stmt(sql.messageById).get(m.id) as MessageRow | undefined;
  if (!row) throw new NatterError(`message ${m.id} was neither inserted nor found`);
  return withReactions(ctx, row);
}

export function getMessage(ctx: StoreContext, id: string): Message | undefined {
  const row = ctx.stmt(sql.messageById).get(id) as MessageRow | undefined;
  return row && withReactions(ctx, row);
}

export function findByRemoteId(ctx: StoreContext, conversationId: string, remoteId: string): Message | undefined {
  const row = ctx.stmt(sql.messageByRemoteId).get(conversationId, remoteId) as MessageRow | undefined;
  return row && withReactions(ctx, row);
}

export function findByAnyId(ctx: StoreContext, conversationId: string, id: string): Message | undefined {
  const row = (ctx.stmt(sql.messageByRemoteId).get(conversationId, id) ?? ctx.stmt(sql.messageByAltId).get(conversationId, id)) as
    | MessageRow
    | undefined;
  return row && withReactions(ctx, row);
}

export function addAltIds(ctx: StoreContext, messageId: string, conversationId: string, ids: string[]): void {
  ctx.atomic(() => {
    for (const id of ids) ctx.stmt(sql.insertAltId).run(conversationId, id, messageId);
  });
}

export function lastMessage(ctx: StoreContext, conversationId: string, direction: 'in' | 'out'): Message | undefined {
  const row = ctx.stmt(sql.lastByDirection).get(conversationId, direction) as MessageRow | undefined;
  return row && withReactions(ctx, row);
}

export function outbox(ctx: StoreContext, accountId?: string): Message[] {
  const rows = (
    accountId === undefined ? ctx.stmt(sql.outbox).all() : ctx.stmt(sql.outboxForAccount).all(accountId)
  ) as unknown as MessageRow[];
  return withReactionsMany(ctx, rows);
}

export function findUnconfirmedOwn(
  ctx: StoreContext,
  conversationId: string,
  body: string,
  around: number,
  windowMs: number,
): Message | undefined {
  const row = ctx.stmt(sql.findUnconfirmedOwn).get(conversationId, body, around - windowMs, around + windowMs) as
    | MessageRow
    | undefined;
  return row && withReactions(ctx, row);
}

export function updateMessage(ctx: StoreContext, id: string, patch: MessagePatch): Message | undefined {
  const params: Record<string, SQLInputValue> = {
    id,
    remote_id: patch.remoteId ?? null,
    sender_name: patch.senderName ?? null,
    // The confirmed own message's (sender, server time, text) key: without it, a replay that carries no msgid (a
    // bouncer's buffer, ZNC 1.8) is stored a second time.
    dedup_key: patch.dedupKey ?? null,
    body: patch.body ?? null,
    set_spans: patch.spans !== undefined ? 1 : 0,
    spans: patch.spans ? JSON.stringify(patch.spans) : null,
    sent_at: patch.sentAt ?? null,
    edited_at: patch.editedAt ?? null,
    retracted: boolParam(patch.retracted),
    retraction: patch.retraction ? JSON.stringify(patch.retraction) : null,
    set_attachments: patch.attachments !== undefined ? 1 : 0,
    attachments: patch.attachments && patch.attachments.length > 0 ? JSON.stringify(patch.attachments) : null,
    delivery: patch.delivery ?? null,
    set_failure: patch.failure !== undefined ? 1 : 0,
    failure: patch.failure ?? null,
    encryption: patch.encryption ? encryptionToJson(patch.encryption) : null,
  };
  let row: MessageRow | undefined;
  try {
    row = ctx.stmt(sql.updateMessage).get(params) as MessageRow | undefined;
  } catch (error) {
    if (patch.remoteId !== undefined && /UNIQUE constraint failed/.test(String(error))) {
      throw new NatterError(`another message in this conversation already has the remote id ${patch.remoteId}`, {
        cause: error,
      });
    }
    throw error;
  }
  return row && withReactions(ctx, row);
}

export function setReaction(
  ctx: StoreContext,
  messageId: string,
  senderId: string,
  key: string,
  add: boolean,
): Message | undefined {
  return ctx.atomic(() => {
    const row = ctx.stmt(sql.messageById).get(messageId) as MessageRow | undefined;
    if (!row) return undefined;
    ctx.stmt(add ? sql.addReaction : sql.removeReaction).run(messageId, key, senderId);
    return withReactions(ctx, row);
  });
}

export function messages(
  ctx: StoreContext,
  conversationId: string,
  options: { before?: PageCursor; after?: PageCursor; limit: number },
): Message[] {
  const { before, after } = options;
  const limit = Math.max(0, Math.floor(options.limit));
  let rows: MessageRow[];
  if (before && after) {
    rows = ctx.stmt(sql.pageBetween).all(
      conversationId,
      after.sentAt,
      after.seq,
      before.sentAt,
      before.seq,
      limit,
    ) as unknown as MessageRow[];
  } else if (after) {
    rows = ctx.stmt(sql.pageAfter).all(conversationId, after.sentAt, after.seq, limit) as unknown as MessageRow[];
  } else {
    rows = (
      before
        ? ctx.stmt(sql.pageBefore).all(conversationId, before.sentAt, before.seq, limit)
        : ctx.stmt(sql.pageNewest).all(conversationId, limit)
    ) as unknown as MessageRow[];
    rows.reverse(); // fetched newest first so LIMIT takes the right end; returned oldest first
  }
  return withReactionsMany(ctx, rows);
}

export function countMessages(ctx: StoreContext, conversationId: string): number {
  return (ctx.stmt(sql.countMessages).get(conversationId) as { n: number }).n;
}

/** The oldest message that has a remote id (what a history request pages from); else the oldest message at all. */
export function oldestMessage(ctx: StoreContext, conversationId: string): Message | undefined {
  const row = (ctx.stmt(sql.oldestWithRemoteId).get(conversationId) ?? ctx.stmt(sql.oldest).get(conversationId)) as
    | MessageRow
    | undefined;
  return row && withReactions(ctx, row);
}
