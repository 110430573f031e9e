/**
 * Rooms as conversations: DMs (listed in the `m.direct` account data, or invitations flagged `is_direct`) are
 * `direct`, everything else `group`. Spaces (rooms of type `m.space`) are reported too, marked `ext.space`, and each
 * room names its space as `parentId` (an `m.space.child` in a joined space, else the room's own `m.space.parent`;
 * spec §"Spaces"). Invitations carry `invitedBy` until answered.
 */
import type { MatrixClient, Room } from 'matrix-js-sdk';
import type { ConversationUpsert } from '../../src/core/contract.js';

/** Room ids listed as direct chats in the account's `m.direct` account data (spec §"Direct Messaging"). */
export function directRoomIds(client: MatrixClient): Set<string> {
  const content = client.getAccountData('m.direct' as never)?.getContent<Record<string, unknown>>() ?? {};
  const out = new Set<string>();
  for (const rooms of Object.values(content)) if (Array.isArray(rooms)) for (const r of rooms) if (typeof r === 'string') out.add(r);
  return out;
}

function hasVia(content: Record<string, unknown> | undefined): boolean {
  return Array.isArray(content?.via) && content.via.length > 0;
}

/** The space a room belongs to, if any. */
export function parentOf(client: MatrixClient, room: Room): string | undefined {
  for (const space of client.getRooms()) {
    if (space.roomId === room.roomId || !space.isSpaceRoom() || space.getMyMembership() !== 'join') continue;
    const child = space.currentState.getStateEvents('m.space.child', room.roomId);
    if (child && hasVia(child.getContent())) return space.roomId;
  }
  const parents = room.currentState.getStateEvents('m.space.parent').filter((e) => hasVia(e.getContent()));
  const canonical = parents.find((e) => e.getContent().canonical === true) ?? parents[0];
  return canonical?.getStateKey() || undefined;
}

/** The room as a conversation upsert, as the SDK knows it now. */
export function conversationOf(client: MatrixClient, room: Room, direct = directRoomIds(client)): ConversationUpsert {
  const own = client.getUserId() ?? '';
  const membership = room.getMyMembership();
  const ownMember = room.currentState.getMember(own);
  const invite = membership === 'invite' ? ownMember?.events.member : undefined;
  const isDirect = direct.has(room.roomId) || invite?.getContent().is_direct === true;
  const topic = room.currentState.getStateEvents('m.room.topic', '')?.getContent().topic;
  const c: ConversationUpsert = {
    remoteId: room.roomId,
    kind: isDirect ? 'direct' : 'group',
    title: room.name || room.roomId,
    joined: membership === 'join',
    encrypted: room.hasEncryptionStateEvent(),
    invitedBy: invite ? (invite.getSender() ?? null) : null,
  };
  if (typeof topic === 'string' && topic !== '') c.topic = topic;
  const parent = parentOf(client, room);
  if (parent) c.parentId = parent;
  if (room.isSpaceRoom()) c.ext = { space: true };
  return c;
}
