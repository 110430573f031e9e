/**
 * The room list as conversations (rooms.ts says what each room is): changes are collected while the SDK processes
 * a sync (new rooms, own membership, names, topic, encryption, space links, `m.direct`) and reported once it is
 * done, so a room is never reported half built (a membership seen before the room's name in the same sync); each
 * room only when what we would say about it changed. After the first sync every room is reported, with its members.
 */
import { ClientEvent, RoomEvent, RoomStateEvent, type MatrixClient, type Room } from 'matrix-js-sdk';
import { roleOf } from './roles.js';
import { conversationOf, directRoomIds } from './rooms.js';
import type { MatrixState } from './state.js';

/** Reports a room as a conversation when what we would say about it changed. */
export function emitRoom(s: MatrixState, client: MatrixClient, room: Room, direct = directRoomIds(client)): void {
  const c = conversationOf(client, room, direct);
  const said = JSON.stringify(c);
  if (s.conversations.get(room.roomId) === said) return;
  s.conversations.set(room.roomId, said);
  s.emit({ type: 'conversation', conversation: c });
}

function emitMembers(s: MatrixState, room: Room): void {
  if (room.getMyMembership() !== 'join') return;
  // With lazy-loaded members these are the members the sync named, not necessarily all of them.
  const replace = room.getJoinedMembers().map((m) => ({ id: m.userId, name: m.name, role: roleOf(m.powerLevel) }));
  s.emit({ type: 'members', conversationRemoteId: room.roomId, replace });
}

export interface RoomList {
  /** Reports the rooms changed since the last flush (call after each processed sync). */
  flush(): void;
  /** Reports every room the account is in or invited to, and the members of joined rooms. */
  all(): void;
}

export function attachRoomList(s: MatrixState, client: MatrixClient): RoomList {
  const dirty = new Set<string>();
  const mark = (room: Room | null | undefined) => {
    if (room && s.client === client && !s.replaying) dirty.add(room.roomId);
  };
  client.on(ClientEvent.Room, mark);
  client.on(RoomEvent.MyMembership, mark);
  client.on(RoomEvent.Name, mark);
  client.on(RoomStateEvent.Events, (event) => {
    const type = event.getType();
    if (type === 'm.space.child' || type === 'm.space.parent' || type === 'm.room.encryption' || type === 'm.room.topic') {
      mark(client.getRoom(event.getRoomId() ?? ''));
      // A space's children change their parentId.
      if (type === 'm.space.child') mark(client.getRoom(event.getStateKey() ?? ''));
    }
  });
  client.on(ClientEvent.AccountData, (event) => {
    if (event.getType() === 'm.direct') for (const room of client.getRooms()) mark(room);
  });
  return {
    flush() {
      const direct = directRoomIds(client);
      for (const id of dirty) {
        const room = client.getRoom(id);
        if (room) emitRoom(s, client, room, direct);
      }
      dirty.clear();
    },
    all() {
      const direct = directRoomIds(client);
      for (const room of client.getRooms()) {
        const m = room.getMyMembership();
        if (m === 'leave' || m === 'ban') continue;
        emitRoom(s, client, room, direct);
        emitMembers(s, room);
      }
    },
  };
}
