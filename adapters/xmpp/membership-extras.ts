/**
 * Adapter.join and Adapter.leave around room-membership.ts: joining a room we were invited to uses the invitation's
 * password and answers the invitation; leaving a room removes its bookmark (bookmarks.ts) so the next login does not
 * join it again. A completed join writes the bookmark (session.ts calls bookmarkJoined when our presence comes back).
 */
import { bookmarkLeft } from './bookmarks.js';
import { forgetInvitation, invitationFor } from './invitations.js';
import { bareJid } from './jid.js';
import { joinAddress, leaveRoom } from './room-membership.js';
import type { XmppState } from './state.js';

export async function joinRoomOrContact(s: XmppState, address: string, options?: { password?: string }): Promise<void> {
  const room = bareJid(address.trim().split(/\s+/)[0]);
  const invite = room ? invitationFor(s, room) : undefined;
  const password = options?.password ?? invite?.password;
  await joinAddress(s, address, password ? { password } : undefined);
  if (room && invite) forgetInvitation(s, room);
}

export function leaveRoomAndBookmark(s: XmppState, remoteId: string, reason?: string): void {
  const room = bareJid(remoteId);
  const wasRoom = room !== undefined && s.rooms.get(room) !== undefined;
  leaveRoom(s, remoteId, reason);
  if (room && (wasRoom || s.directory.bookmarks.has(room))) bookmarkLeft(s, room);
}
