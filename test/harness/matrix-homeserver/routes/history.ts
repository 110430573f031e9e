/**
 * Reading history (spec: "Getting events for a room" /messages, "Retrieving events around a given event" /context,
 * "Relationships" /relations, "Threading" /threads). Pagination tokens are stream positions: a token sits after the
 * event with that position, so backwards paging from `t` returns events at or before `t`, forwards after it.
 */
import { invalidParam, notFound } from '../errors.js';
import { clientEvent, parseToken, token } from '../format.js';
import type { Ctx, Router } from '../http.js';
import { isObject, type JsonObject } from '../json.js';
import type { Room, StoredEvent } from '../room.js';
import { roomFor } from '../rooms-ops.js';
import type { Session } from '../state.js';
import { resolveFilter } from '../sync.js';

interface EventFilter {
  lazyMembers: boolean;
  types?: string[];
  notTypes: string[];
}

function eventFilter(ctx: Ctx): EventFilter {
  const f = resolveFilter(ctx.user(), ctx.query.get('filter'));
  const out: EventFilter = { lazyMembers: f?.['lazy_load_members'] === true, notTypes: [] };
  if (Array.isArray(f?.['types'])) out.types = f['types'].filter((t): t is string => typeof t === 'string');
  if (Array.isArray(f?.['not_types'])) out.notTypes = f['not_types'].filter((t): t is string => typeof t === 'string');
  return out;
}

function matches(f: EventFilter, e: StoredEvent): boolean {
  const glob = (p: string): boolean => (p.endsWith('*') ? e.type.startsWith(p.slice(0, -1)) : e.type === p);
  if (f.types && !f.types.some(glob)) return false;
  return !f.notTypes.some(glob);
}

function limitParam(ctx: Ctx, dflt: number): number {
  const raw = ctx.query.get('limit');
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw invalidParam('limit must be a non-negative integer');
  return Math.min(n, 1000);
}

function tokenParam(ctx: Ctx, name: string): number | undefined {
  const raw = ctx.query.get(name);
  if (!raw) return undefined;
  const p = parseToken(raw);
  if (p === undefined) throw invalidParam(`invalid ${name} token`);
  return p;
}

/** Member events of the senders of `events` at the position of the earliest one (lazy-loading for pagination). */
function lazyMembers(room: Room, events: StoredEvent[], session: Session): JsonObject[] {
  const senders = new Set(events.map((e) => e.sender));
  const st = room.stateAt(room.events[room.events.length - 1]?.pos ?? 0);
  const out: JsonObject[] = [];
  for (const u of senders) {
    const e = st.get(`m.room.member\u0000${u}`);
    if (e) out.push(clientEvent(e, session));
  }
  return out;
}

/** Walks visible events from a token in a direction; returns up to `limit` and whether more remain. */
function page(
  room: Room,
  until: number,
  from: number,
  dir: 'b' | 'f',
  to: number | undefined,
  limit: number,
  keep: (e: StoredEvent) => boolean,
): { chunk: StoredEvent[]; more: boolean } {
  const chunk: StoredEvent[] = [];
  const evs = room.events;
  if (dir === 'b') {
    for (let i = evs.length - 1; i >= 0; i--) {
      const e = evs[i]!;
      if (e.pos > from || e.pos > until) continue;
      if (to !== undefined && e.pos <= to) return { chunk, more: false };
      if (!keep(e)) continue;
      if (chunk.length === limit) return { chunk, more: true };
      chunk.push(e);
    }
  } else {
    for (const e of evs) {
      if (e.pos <= from) continue;
      if (e.pos > until || (to !== undefined && e.pos > to)) return { chunk, more: false };
      if (!keep(e)) continue;
      if (chunk.length === limit) return { chunk, more: true };
      chunk.push(e);
    }
  }
  return { chunk, more: false };
}

function relatesTo(e: StoredEvent): { relType?: string; eventId?: string } {
  const rel = e.content['m.relates_to'];
  if (!isObject(rel)) return {};
  const out: { relType?: string; eventId?: string } = {};
  if (typeof rel['rel_type'] === 'string') out.relType = rel['rel_type'];
  if (typeof rel['event_id'] === 'string') out.eventId = rel['event_id'];
  return out;
}

export function historyRoutes(r: Router): void {
  r.on('client', 'GET', 'rooms/:roomId/messages', (ctx) => {
    const s = ctx.auth();
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId, true);
    const dir = ctx.query.get('dir') ?? 'b';
    if (dir !== 'b' && dir !== 'f') throw invalidParam('dir must be b or f');
    const until = Math.min(room.visibleUntil(s.userId), ctx.hs.pos);
    const from = tokenParam(ctx, 'from') ?? (dir === 'b' ? ctx.hs.pos : 0);
    const f = eventFilter(ctx);
    const { chunk, more } = page(room, until, from, dir, tokenParam(ctx, 'to'), limitParam(ctx, 10), (e) => matches(f, e));
    const out: JsonObject = { start: token(from), chunk: chunk.map((e) => clientEvent(e, s)) };
    const last = chunk[chunk.length - 1];
    if (more && last) out['end'] = token(dir === 'b' ? last.pos - 1 : last.pos);
    if (f.lazyMembers) out['state'] = lazyMembers(room, chunk, s);
    return out;
  });

  r.on('client', 'GET', 'rooms/:roomId/context/:eventId', (ctx) => {
    const s = ctx.auth();
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId, true);
    const until = room.visibleUntil(s.userId);
    const event = room.byId.get(ctx.params['eventId']!);
    if (!event || event.pos > until) throw notFound('Event not found.');
    const limit = limitParam(ctx, 10);
    const f = eventFilter(ctx);
    const before = page(room, until, event.pos - 1, 'b', undefined, Math.floor(limit / 2), (e) => matches(f, e)).chunk;
    const after = page(room, until, event.pos, 'f', undefined, Math.ceil(limit / 2), (e) => matches(f, e)).chunk;
    const first = before[before.length - 1] ?? event;
    const last = after[after.length - 1] ?? event;
    const all = [...before, event, ...after];
    const state = f.lazyMembers
      ? lazyMembers(room, all, s)
      : [...room.stateAt(event.pos).values()].map((e) => clientEvent(e, s));
    return {
      event: clientEvent(event, s),
      events_before: before.map((e) => clientEvent(e, s)),
      events_after: after.map((e) => clientEvent(e, s)),
      start: token(first.pos - 1),
      end: token(last.pos),
      state,
    };
  });

  const relations = (ctx: Ctx): JsonObject => {
    const s = ctx.auth();
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId, true);
    const parentId = ctx.params['eventId']!;
    const parent = room.byId.get(parentId);
    const until = room.visibleUntil(s.userId);
    if (!parent || parent.pos > until) throw notFound('Event not found.');
    const relType = ctx.params['relType'];
    const eventType = ctx.params['eventType'];
    const dir = ctx.query.get('dir') ?? 'b';
    if (dir !== 'b' && dir !== 'f') throw invalidParam('dir must be b or f');
    const recurse = ctx.query.get('recurse') === 'true';
    const family = new Set([parentId]);
    if (recurse) {
      for (const e of room.events) {
        const rel = relatesTo(e);
        if (rel.eventId && family.has(rel.eventId)) family.add(e.event_id);
      }
    }
    const keep = (e: StoredEvent): boolean => {
      const rel = relatesTo(e);
      if (!rel.eventId || !(recurse ? family.has(rel.eventId) : rel.eventId === parentId)) return false;
      if (relType !== undefined && rel.relType !== relType) return false;
      return eventType === undefined || e.type === eventType;
    };
    const from = tokenParam(ctx, 'from') ?? (dir === 'b' ? ctx.hs.pos : 0);
    const { chunk, more } = page(room, until, from, dir, tokenParam(ctx, 'to'), limitParam(ctx, 50), keep);
    const out: JsonObject = { chunk: chunk.map((e) => clientEvent(e, s)) };
    const last = chunk[chunk.length - 1];
    if (more && last) out['next_batch'] = token(dir === 'b' ? last.pos - 1 : last.pos);
    if (ctx.query.get('from')) out['prev_batch'] = ctx.query.get('from')!;
    if (recurse) out['recursion_depth'] = 3;
    return out;
  };
  r.on('client', 'GET', 'rooms/:roomId/relations/:eventId', relations);
  r.on('client', 'GET', 'rooms/:roomId/relations/:eventId/:relType', relations);
  r.on('client', 'GET', 'rooms/:roomId/relations/:eventId/:relType/:eventType', relations);

  r.on('client', 'GET', 'rooms/:roomId/threads', (ctx) => {
    const s = ctx.auth();
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId, true);
    const until = room.visibleUntil(s.userId);
    const roots = new Map<string, StoredEvent>();
    for (const e of room.events) {
      if (e.pos > until) break;
      const rel = relatesTo(e);
      if (rel.relType === 'm.thread' && rel.eventId) {
        const root = room.byId.get(rel.eventId);
        if (root) {
          roots.delete(root.event_id);
          roots.set(root.event_id, root);
        }
      }
    }
    const limit = limitParam(ctx, 50);
    const from = tokenParam(ctx, 'from') ?? Number.MAX_SAFE_INTEGER;
    const ordered = [...roots.values()].reverse().filter((e) => e.pos <= from);
    const chunk = ordered.slice(0, limit);
    const out: JsonObject = { chunk: chunk.map((e) => clientEvent(e, s)) };
    const last = chunk[chunk.length - 1];
    if (ordered.length > chunk.length && last) out['next_batch'] = token(last.pos - 1);
    return out;
  });
}
