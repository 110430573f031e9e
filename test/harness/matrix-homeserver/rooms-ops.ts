/** Room operations shared by several endpoints: lookup with access checks, membership changes, room creation. */
import { MatrixError, forbidden, notFound } from './errors.js';
import { isObject, type JsonObject } from './json.js';
import { Room } from './room.js';
import { randomId, type HomeserverState, type User } from './state.js';

export function getRoom(hs: HomeserverState, roomId: string): Room {
  const room = hs.rooms.get(roomId);
  if (!room) throw notFound(`Unknown room ${roomId}`);
  return room;
}

/** The room, which the caller must have joined (or have been in, for reading history: `allowLeft`). */
export function roomFor(hs: HomeserverState, roomId: string, userId: string, allowLeft = false): Room {
  const room = hs.rooms.get(roomId);
  const m = room?.membership(userId);
  if (!room || (m !== 'join' && !(allowLeft && room.visibleUntil(userId) >= 0))) {
    throw forbidden(`User ${userId} not in room ${roomId}`);
  }
  return room;
}

/** A room id or alias (`#alias:server`) resolved to a room id. */
export function resolveRoom(hs: HomeserverState, idOrAlias: string): string {
  if (idOrAlias.startsWith('#')) {
    const id = hs.aliases.get(idOrAlias);
    if (!id) throw notFound(`Room alias ${idOrAlias} not found`);
    return id;
  }
  if (!idOrAlias.startsWith('!')) throw new MatrixError(400, 'M_INVALID_PARAM', `${idOrAlias} is not a room id or alias`);
  return idOrAlias;
}

/** Member event content for `user`, carrying their profile like Synapse does. */
export function memberContent(user: User | undefined, membership: string, extra: JsonObject = {}): JsonObject {
  const c: JsonObject = { membership, ...extra };
  if (membership === 'join' && user) {
    if (user.displayname !== undefined) c['displayname'] = user.displayname;
    if (user.avatarUrl !== undefined) c['avatar_url'] = user.avatarUrl;
  }
  return c;
}

export function setMembership(hs: HomeserverState, room: Room, sender: string, target: string, membership: string, extra: JsonObject = {}): string {
  const user = hs.users.get(target);
  if (!user) throw notFound(`Unknown user ${target}`);
  const e = room.append({ type: 'm.room.member', sender, stateKey: target, content: memberContent(user, membership, extra) });
  return e.event_id;
}

/** POST /createRoom (spec: "Creation"): the event sequence the spec lists, in that order. */
export function createRoom(hs: HomeserverState, creator: User, body: JsonObject): Room {
  const preset =
    typeof body['preset'] === 'string' ? body['preset'] : body['visibility'] === 'public' ? 'public_chat' : 'private_chat';
  if (!['public_chat', 'private_chat', 'trusted_private_chat'].includes(preset)) {
    throw new MatrixError(400, 'M_INVALID_PARAM', `unknown preset ${preset}`);
  }
  const version = typeof body['room_version'] === 'string' ? body['room_version'] : '10';
  if (!['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'].includes(version)) {
    throw new MatrixError(400, 'M_UNSUPPORTED_ROOM_VERSION', `room version ${version} is not supported`);
  }
  const aliasName = typeof body['room_alias_name'] === 'string' ? body['room_alias_name'] : undefined;
  const alias = aliasName !== undefined ? `#${aliasName}:${hs.serverName}` : undefined;
  if (alias && hs.aliases.has(alias)) throw new MatrixError(400, 'M_ROOM_IN_USE', 'Room alias already taken');
  const invites = Array.isArray(body['invite']) ? body['invite'].filter((u): u is string => typeof u === 'string') : [];
  for (const u of invites) if (!hs.users.has(u)) throw notFound(`Unknown user ${u}`);

  const roomId = `!${randomId(18)}:${hs.serverName}`;
  const room = new Room(hs, roomId, version);
  hs.rooms.set(roomId, room);
  const me = creator.userId;
  const send = (type: string, content: JsonObject, stateKey = ''): void => {
    room.append({ type, sender: me, content, stateKey });
  };
  const createContent: JsonObject = { ...(isObject(body['creation_content']) ? body['creation_content'] : {}), room_version: version };
  if (version !== '11') createContent['creator'] = me;
  send('m.room.create', createContent);
  send('m.room.member', memberContent(creator, 'join'), me);
  const users: JsonObject = { [me]: 100 };
  if (preset === 'trusted_private_chat') for (const u of invites) users[u] = 100;
  const pl: JsonObject = {
    users,
    users_default: 0,
    events: {
      'm.room.name': 50,
      'm.room.power_levels': 100,
      'm.room.history_visibility': 100,
      'm.room.canonical_alias': 50,
      'm.room.avatar': 50,
      'm.room.tombstone': 100,
      'm.room.server_acl': 100,
      'm.room.encryption': 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: 0,
    notifications: { room: 50 },
  };
  if (isObject(body['power_level_content_override'])) Object.assign(pl, body['power_level_content_override']);
  send('m.room.power_levels', pl);
  if (alias) {
    hs.aliases.set(alias, roomId);
    send('m.room.canonical_alias', { alias });
  }
  send('m.room.join_rules', { join_rule: preset === 'public_chat' ? 'public' : 'invite' });
  send('m.room.history_visibility', { history_visibility: 'shared' });
  if (preset !== 'public_chat') send('m.room.guest_access', { guest_access: 'can_join' });
  for (const s of Array.isArray(body['initial_state']) ? body['initial_state'] : []) {
    if (!isObject(s) || typeof s['type'] !== 'string' || !isObject(s['content'])) {
      throw new MatrixError(400, 'M_BAD_JSON', 'initial_state entries need type and content');
    }
    send(s['type'], s['content'], typeof s['state_key'] === 'string' ? s['state_key'] : '');
  }
  if (typeof body['name'] === 'string') send('m.room.name', { name: body['name'] });
  if (typeof body['topic'] === 'string') send('m.room.topic', { topic: body['topic'] });
  const isDirect = body['is_direct'] === true;
  for (const u of invites) setMembership(hs, room, me, u, 'invite', isDirect ? { is_direct: true } : {});
  room.published = body['visibility'] === 'public';
  return room;
}
