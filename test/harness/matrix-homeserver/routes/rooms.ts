/**
 * Room endpoints (spec: "Rooms", "Room Membership", "Sending events", "Getting events", "Redactions", "Room
 * aliases", "Receipts", "Typing Notifications", "Fully read markers"): create, join, leave, invite, kick, ban,
 * send, state, redact, members, aliases, receipts, typing, read markers, public room directory.
 */
import { MatrixError, forbidden, invalidParam, notFound } from '../errors.js';
import { clientEvent } from '../format.js';
import type { Ctx, Router } from '../http.js';
import { asObject, clone, isObject, optString, reqString, type Json, type JsonObject } from '../json.js';
import { createRoom, getRoom, resolveRoom, roomFor, setMembership } from '../rooms-ops.js';
import type { Session } from '../state.js';

/** Runs `fn` once per (device, transaction id); a retry returns the first result (spec: "Transaction identifiers"). */
function idempotent(ctx: Ctx, scope: string, fn: () => Json): Json {
  const s = ctx.auth();
  const key = `${scope}\u0000${s.userId}\u0000${s.deviceId}\u0000${ctx.params['txnId']}`;
  const prior = ctx.hs.txns.get(key);
  if (prior !== undefined) return prior;
  const result = fn();
  ctx.hs.txns.set(key, result);
  return result;
}

function join(ctx: Ctx, roomId: string): Json {
  const s = ctx.auth();
  const room = getRoom(ctx.hs, roomId);
  if (room.membership(s.userId) !== 'join') {
    const body = ctx.json();
    const reason: JsonObject = isObject(body) && typeof body['reason'] === 'string' ? { reason: body['reason'] } : {};
    setMembership(ctx.hs, room, s.userId, s.userId, 'join', reason);
  }
  return { room_id: roomId };
}

function stateKeyParam(ctx: Ctx): string {
  return ctx.params['stateKey'] ?? '';
}

function putState(ctx: Ctx): Json {
  const s: Session = ctx.auth();
  const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId);
  const type = ctx.params['type']!;
  const content = asObject(ctx.json());
  if (type === 'm.room.canonical_alias') {
    for (const a of [content['alias'], ...(Array.isArray(content['alt_aliases']) ? content['alt_aliases'] : [])]) {
      if (typeof a === 'string' && ctx.hs.aliases.get(a) !== room.roomId) throw new MatrixError(400, 'M_BAD_ALIAS', `${a} does not point to this room`);
    }
  }
  const e = room.append({ type, sender: s.userId, content, stateKey: stateKeyParam(ctx) });
  return { event_id: e.event_id };
}

function getState(ctx: Ctx): Json {
  const s = ctx.auth();
  const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId, true);
  const until = room.visibleUntil(s.userId);
  const st = room.stateAt(until);
  const e = st.get(`${ctx.params['type']!}\u0000${stateKeyParam(ctx)}`);
  if (!e) throw notFound('Event not found.');
  if (ctx.query.get('format') === 'event') return clientEvent(e, s);
  return clone(e.content);
}

function membershipAction(membership: 'invite' | 'leave' | 'ban', requireTarget: boolean) {
  return (ctx: Ctx): Json => {
    const s = ctx.auth();
    const room = getRoom(ctx.hs, ctx.params['roomId']!);
    const body = asObject(ctx.json());
    const target = requireTarget ? reqString(body, 'user_id') : s.userId;
    const extra: JsonObject = {};
    const reason = optString(body, 'reason');
    if (reason !== undefined) extra['reason'] = reason;
    if (!room.membership(s.userId) && !requireTarget) throw forbidden('You are not in this room');
    if (membership === 'leave' && requireTarget && room.membership(target) !== 'join' && room.membership(target) !== 'invite' && room.membership(target) !== 'ban') {
      throw forbidden(`${target} is not in the room`);
    }
    if (membership === 'leave' && !requireTarget && (room.membership(s.userId) === 'leave' || room.membership(s.userId) === 'ban')) return {};
    setMembership(ctx.hs, room, s.userId, target, membership, extra);
    return {};
  };
}

export function roomRoutes(r: Router): void {
  r.on('client', 'POST', 'createRoom', (ctx) => {
    const room = createRoom(ctx.hs, ctx.user(), asObject(ctx.json()));
    return { room_id: room.roomId };
  });

  r.on('client', 'POST', 'join/:roomIdOrAlias', (ctx) => join(ctx, resolveRoom(ctx.hs, ctx.params['roomIdOrAlias']!)));
  r.on('client', 'POST', 'rooms/:roomId/join', (ctx) => join(ctx, resolveRoom(ctx.hs, ctx.params['roomId']!)));
  r.on('client', 'POST', 'rooms/:roomId/leave', membershipAction('leave', false));
  r.on('client', 'POST', 'rooms/:roomId/invite', membershipAction('invite', true));
  r.on('client', 'POST', 'rooms/:roomId/kick', membershipAction('leave', true));
  r.on('client', 'POST', 'rooms/:roomId/ban', membershipAction('ban', true));
  r.on('client', 'POST', 'rooms/:roomId/unban', (ctx) => {
    const s = ctx.auth();
    const room = getRoom(ctx.hs, ctx.params['roomId']!);
    const target = reqString(asObject(ctx.json()), 'user_id');
    if (room.membership(target) !== 'ban') return {};
    setMembership(ctx.hs, room, s.userId, target, 'leave');
    return {};
  });
  r.on('client', 'POST', 'rooms/:roomId/forget', (ctx) => {
    const s = ctx.auth();
    const room = getRoom(ctx.hs, ctx.params['roomId']!);
    if (room.membership(s.userId) === 'join') throw new MatrixError(400, 'M_UNKNOWN', 'leave the room before forgetting it');
    return {};
  });

  r.on('client', 'PUT', 'rooms/:roomId/send/:type/:txnId', (ctx) =>
    idempotent(ctx, 'send', () => {
      const s = ctx.auth();
      const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId);
      const type = ctx.params['type']!;
      if (type === 'm.room.redaction') throw invalidParam('use /redact to redact events');
      const e = room.append({
        type,
        sender: s.userId,
        content: asObject(ctx.json()),
        txn: { userId: s.userId, deviceId: s.deviceId, txnId: ctx.params['txnId']! },
      });
      return { event_id: e.event_id };
    }),
  );

  r.on('client', 'PUT', 'rooms/:roomId/redact/:eventId/:txnId', (ctx) =>
    idempotent(ctx, 'redact', () => {
      const s = ctx.auth();
      const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId);
      const targetId = ctx.params['eventId']!;
      const target = room.byId.get(targetId);
      if (!target) throw notFound('Event not found');
      if (target.sender !== s.userId && room.powerLevel(s.userId) < room.required('redact')) {
        throw forbidden('You may not redact other users\' events');
      }
      const content: JsonObject = { redacts: targetId };
      const reason = optString(asObject(ctx.json()), 'reason');
      if (reason !== undefined) content['reason'] = reason;
      const e = room.append({
        type: 'm.room.redaction',
        sender: s.userId,
        content,
        redacts: targetId,
        txn: { userId: s.userId, deviceId: s.deviceId, txnId: ctx.params['txnId']! },
      });
      return { event_id: e.event_id };
    }),
  );

  r.on('client', 'PUT', 'rooms/:roomId/state/:type', putState);
  r.on('client', 'PUT', 'rooms/:roomId/state/:type/:stateKey', putState);
  r.on('client', 'GET', 'rooms/:roomId/state/:type', getState);
  r.on('client', 'GET', 'rooms/:roomId/state/:type/:stateKey', getState);
  r.on('client', 'GET', 'rooms/:roomId/state', (ctx) => {
    const s = ctx.auth();
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId, true);
    return [...room.stateAt(room.visibleUntil(s.userId)).values()].map((e) => clientEvent(e, s));
  });

  r.on('client', 'GET', 'rooms/:roomId/event/:eventId', (ctx) => {
    const s = ctx.auth();
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId, true);
    const e = room.byId.get(ctx.params['eventId']!);
    if (!e || e.pos > room.visibleUntil(s.userId)) throw notFound('Event not found.');
    return clientEvent(e, s);
  });

  r.on('client', 'GET', 'rooms/:roomId/members', (ctx) => {
    const s = ctx.auth();
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId, true);
    const at = ctx.query.get('at');
    const pos = Math.min(at ? Number(/\d+/.exec(at)?.[0] ?? Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER, room.visibleUntil(s.userId));
    const membership = ctx.query.get('membership');
    const notMembership = ctx.query.get('not_membership');
    const chunk: JsonObject[] = [];
    for (const e of room.stateAt(pos).values()) {
      if (e.type !== 'm.room.member') continue;
      const m = e.content['membership'];
      if (membership && m !== membership) continue;
      if (notMembership && m === notMembership) continue;
      chunk.push(clientEvent(e, s));
    }
    return { chunk };
  });
  r.on('client', 'GET', 'rooms/:roomId/joined_members', (ctx) => {
    const s = ctx.auth();
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId);
    const joined: JsonObject = {};
    for (const u of room.members('join')) {
      const c = room.stateEvent('m.room.member', u)!.content;
      const entry: JsonObject = {};
      if (typeof c['displayname'] === 'string') entry['display_name'] = c['displayname'];
      if (typeof c['avatar_url'] === 'string') entry['avatar_url'] = c['avatar_url'];
      joined[u] = entry;
    }
    return { joined };
  });

  r.on('client', 'GET', 'directory/room/:alias', (ctx) => {
    const id = ctx.hs.aliases.get(ctx.params['alias']!);
    if (!id) throw notFound(`Room alias ${ctx.params['alias']} not found`);
    return { room_id: id, servers: [ctx.hs.serverName] };
  });
  r.on('client', 'PUT', 'directory/room/:alias', (ctx) => {
    const s = ctx.auth();
    const alias = ctx.params['alias']!;
    if (!/^#[^:]+:.+$/.test(alias) || !alias.endsWith(`:${ctx.hs.serverName}`)) throw invalidParam('alias must be #localpart:this server');
    if (ctx.hs.aliases.has(alias)) throw new MatrixError(409, 'M_UNKNOWN', 'Room alias already exists');
    const roomId = reqString(asObject(ctx.json()), 'room_id');
    roomFor(ctx.hs, roomId, s.userId);
    ctx.hs.aliases.set(alias, roomId);
    return {};
  });
  r.on('client', 'DELETE', 'directory/room/:alias', (ctx) => {
    ctx.auth();
    if (!ctx.hs.aliases.delete(ctx.params['alias']!)) throw notFound('Room alias not found');
    return {};
  });
  r.on('client', 'GET', 'rooms/:roomId/aliases', (ctx) => {
    const s = ctx.auth();
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId);
    return { aliases: [...ctx.hs.aliases].filter(([, id]) => id === room.roomId).map(([a]) => a) };
  });
  r.on('client', 'GET', 'publicRooms', (ctx) => {
    const chunk: JsonObject[] = [];
    for (const room of ctx.hs.rooms.values()) {
      if (!room.published) continue;
      const entry: JsonObject = { room_id: room.roomId, num_joined_members: room.members('join').length, world_readable: false, guest_can_join: false };
      const name = room.stateEvent('m.room.name')?.content['name'];
      if (typeof name === 'string') entry['name'] = name;
      const alias = room.stateEvent('m.room.canonical_alias')?.content['alias'];
      if (typeof alias === 'string') entry['canonical_alias'] = alias;
      chunk.push(entry);
    }
    return { chunk, total_room_count_estimate: chunk.length };
  });

  r.on('client', 'POST', 'rooms/:roomId/receipt/:receiptType/:eventId', (ctx) => {
    const s = ctx.auth();
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId);
    const type = ctx.params['receiptType']!;
    if (!['m.read', 'm.read.private', 'm.fully_read'].includes(type)) throw invalidParam(`unknown receipt type ${type}`);
    const eventId = ctx.params['eventId']!;
    if (!room.byId.has(eventId)) throw notFound('Event not found');
    const body = ctx.json();
    const threadId = isObject(body) && typeof body['thread_id'] === 'string' ? body['thread_id'] : undefined;
    if (type === 'm.fully_read') ctx.hs.setAccountData(ctx.user(), 'm.fully_read', { event_id: eventId }, room.roomId);
    else room.setReceipt(s.userId, type, eventId, threadId);
    return {};
  });
  r.on('client', 'POST', 'rooms/:roomId/read_markers', (ctx) => {
    const s = ctx.auth();
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId);
    const body = asObject(ctx.json());
    const fully = optString(body, 'm.fully_read');
    if (fully !== undefined) ctx.hs.setAccountData(ctx.user(), 'm.fully_read', { event_id: fully }, room.roomId);
    for (const type of ['m.read', 'm.read.private']) {
      const id = optString(body, type);
      if (id !== undefined) room.setReceipt(s.userId, type, id, undefined);
    }
    return {};
  });
  r.on('client', 'PUT', 'rooms/:roomId/typing/:userId', (ctx) => {
    const s = ctx.auth();
    if (ctx.params['userId'] !== s.userId) throw forbidden('Cannot set another user\'s typing state');
    const room = roomFor(ctx.hs, ctx.params['roomId']!, s.userId);
    const body = asObject(ctx.json());
    if (typeof body['typing'] !== 'boolean') throw new MatrixError(400, 'M_BAD_JSON', 'typing must be a boolean');
    const timeout = typeof body['timeout'] === 'number' ? Math.min(body['timeout'], 120_000) : 30_000;
    room.setTyping(s.userId, body['typing'], timeout);
    return {};
  });
}
