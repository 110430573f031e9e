/**
 * What a new session does for the account's directory once it is online (connection.ts calls
 * {@link directoryOnline}): presence carries our caps (XEP-0115), the roster is fetched (RFC 6121 §2.2), and the
 * bookmarks are read and their autojoin rooms joined (bookmarks.ts). Also the room description after a join.
 */
import xml, { type Element } from '@xmpp/xml';
import { loadBookmarks } from './bookmarks.js';
import { capsElement, discoverEntity } from './disco.js';
import { loadRoster } from './roster.js';
import type { Connection, XmppState } from './state.js';

/** The initial presence (RFC 6121 §4.2) with our caps. */
export function initialPresence(): Element {
  return xml('presence', {}, capsElement());
}

/** After the initial presence of a new session: roster and bookmarks. */
export function directoryOnline(s: XmppState, conn: Connection): void {
  void loadRoster(s, conn);
  // A one-shot session leaves the bookmarks alone: unread, they also stay unwritten (writes wait for the list).
  if (!s.opts!.oneShot) void loadBookmarks(s, conn);
}

/** Room features (XEP-0045 §6.4 disco#info) that change what natter offers there, as `ext.xmppRoom`. */
export const ROOM_FEATURES = {
  mam: 'urn:xmpp:mam:2',
  moderation: 'urn:xmpp:message-moderate:0',
  passwordProtected: 'muc_passwordprotected',
  membersOnly: 'muc_membersonly',
  moderated: 'muc_moderated',
  nonAnonymous: 'muc_nonanonymous',
} as const;

/**
 * A room was joined: ask it for its features once per session and report the ones natter uses (archive, moderation,
 * password, members-only …) on the conversation.
 */
export async function describeRoom(s: XmppState, room: string): Promise<void> {
  const features = await discoverEntity(s, room);
  if (!features) return;
  const info: Record<string, boolean> = {};
  for (const [key, feature] of Object.entries(ROOM_FEATURES)) info[key] = features.has(feature) || (key === 'moderation' && features.has('urn:xmpp:message-moderate:1'));
  s.emit({ type: 'conversation', conversation: { remoteId: room, kind: 'group', ext: { xmppRoom: info } } });
}
