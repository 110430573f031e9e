/**
 * Member (participant list) operations of the store: replacing a conversation's list, single upserts and removals,
 * renames and away flags across all of an account's conversations, and the ordered list.
 */
import type { Participant } from '../core/model.js';
import { sql } from './queries.js';
import { memberFromRow, type MemberRow } from './rows.js';
import type { StoreContext } from './store-context.js';

function writeMember(ctx: StoreContext, conversationId: string, p: Participant): void {
  ctx.stmt(sql.upsertMember).run(
    conversationId,
    p.id,
    p.name,
    p.role,
    p.badge ?? null,
    p.away ? 1 : 0,
    p.account ?? null,
  );
}

export function replaceMembers(ctx: StoreContext, conversationId: string, members: Participant[]): void {
  ctx.transaction(() => {
    ctx.stmt(sql.deleteMembers).run(conversationId);
    for (const p of members) writeMember(ctx, conversationId, p);
  });
}

export function upsertMember(ctx: StoreContext, conversationId: string, member: Participant): void {
  writeMember(ctx, conversationId, member);
}

export function removeMember(ctx: StoreContext, conversationId: string, memberId: string): void {
  ctx.stmt(sql.removeMember).run(conversationId, memberId);
}

export function renameMember(ctx: StoreContext, accountId: string, from: string, to: string): string[] {
  return ctx.atomic(() => {
    const ids = (ctx.stmt(sql.memberConversations).all(from, accountId) as Array<{ id: string }>).map((r) => r.id);
    if (ids.length > 0 && from !== to) ctx.stmt(sql.renameMember).run({ from, to, account: accountId });
    return ids;
  });
}

export function setMemberAway(ctx: StoreContext, accountId: string, memberId: string, away: boolean): string[] {
  return ctx.atomic(() => {
    const ids = (ctx.stmt(sql.memberConversations).all(memberId, accountId) as Array<{ id: string }>).map((r) => r.id);
    if (ids.length > 0) ctx.stmt(sql.setMemberAway).run({ member: memberId, away: away ? 1 : 0, account: accountId });
    return ids;
  });
}

export function listMembers(ctx: StoreContext, conversationId: string): Participant[] {
  return (ctx.stmt(sql.listMembers).all(conversationId) as unknown as MemberRow[]).map(memberFromRow);
}
