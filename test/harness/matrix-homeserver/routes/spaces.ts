/**
 * Spaces (spec: "Spaces", GET /_matrix/client/v1/rooms/{roomId}/hierarchy): a breadth-first walk over
 * m.space.child state events, listing the rooms the caller may see (joined, invited, or publicly joinable).
 */
import { forbidden, invalidParam, notFound } from '../errors.js';
import type { Router } from '../http.js';
import { isObject, type JsonObject } from '../json.js';
import type { Room } from '../room.js';

function summary(room: Room): JsonObject {
  const out: JsonObject = {
    room_id: room.roomId,
    num_joined_members: room.members('join').length,
    world_readable: room.stateEvent('m.room.history_visibility')?.content['history_visibility'] === 'world_readable',
    guest_can_join: room.stateEvent('m.room.guest_access')?.content['guest_access'] === 'can_join',
    join_rule: (room.stateEvent('m.room.join_rules')?.content['join_rule'] as string | undefined) ?? 'invite',
  };
  for (const [type, key, field] of [['m.room.name', 'name', 'name'], ['m.room.topic', 'topic', 'topic'], ['m.room.canonical_alias', 'alias', 'canonical_alias'], ['m.room.avatar', 'url', 'avatar_url']] as const) {
    const v = room.stateEvent(type)?.content[key];
    if (typeof v === 'string') out[field] = v;
  }
  const roomType = room.stateEvent('m.room.create')?.content['type'];
  if (typeof roomType === 'string') out['room_type'] = roomType;
  return out;
}

export function spaceRoutes(r: Router): void {
  r.on('client', 'GET', 'rooms/:roomId/hierarchy', (ctx) => {
    const s = ctx.auth();
    const mayView = (room: Room): boolean => {
      const m = room.membership(s.userId);
      return m === 'join' || m === 'invite' || room.stateEvent('m.room.join_rules')?.content['join_rule'] === 'public';
    };
    const root = ctx.hs.rooms.get(ctx.params['roomId']!);
    if (!root) throw notFound('Unknown room');
    if (!mayView(root)) throw forbidden('You may not view this room');
    const limit = Math.min(Number(ctx.query.get('limit') ?? 50) || 50, 1000);
    const maxDepth = Number(ctx.query.get('max_depth') ?? 100);
    const suggestedOnly = ctx.query.get('suggested_only') === 'true';
    const from = ctx.query.get('from');
    const skip = from ? Number(from) : 0;
    if (!Number.isInteger(skip) || skip < 0) throw invalidParam('invalid from token');

    const ordered: JsonObject[] = [];
    const seen = new Set<string>([root.roomId]);
    const queue: { room: Room; depth: number }[] = [{ room: root, depth: 0 }];
    while (queue.length) {
      const { room, depth } = queue.shift()!;
      const children: JsonObject[] = [];
      for (const e of room.state.values()) {
        if (e.type !== 'm.space.child' || !e.state_key || !isObject(e.content) || !Array.isArray(e.content['via'])) continue;
        if (suggestedOnly && e.content['suggested'] !== true) continue;
        children.push({ type: e.type, state_key: e.state_key, sender: e.sender, content: e.content, origin_server_ts: e.origin_server_ts });
        const child = ctx.hs.rooms.get(e.state_key);
        if (child && !seen.has(child.roomId) && depth < maxDepth && mayView(child)) {
          seen.add(child.roomId);
          queue.push({ room: child, depth: depth + 1 });
        }
      }
      ordered.push({ ...summary(room), children_state: children });
    }
    const page = ordered.slice(skip, skip + limit);
    const out: JsonObject = { rooms: page };
    if (skip + limit < ordered.length) out['next_batch'] = String(skip + limit);
    return out;
  });
}
