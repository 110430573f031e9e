/**
 * What the account knows about the people and rooms around it, beyond the rooms it sits in: the roster with
 * presence (roster.ts), bookmarks (bookmarks.ts), pending invitations (invitations.ts) and discovered features
 * (disco.ts). One instance per adapter, in XmppState.
 */
import { DiscoCache } from './disco.js';

/** A room bookmark (XEP-0402 `<conference>` / XEP-0048 `<conference>`). */
export interface Bookmark {
  /** Bare room JID, folded. */
  jid: string;
  name?: string;
  autojoin: boolean;
  nick?: string;
  password?: string;
}

/** A roster item (RFC 6121 §2.1.2). */
export interface RosterItem {
  jid: string;
  name?: string;
  groups: string[];
  /** none, to, from, both (plus `ask` shown as "requested"). */
  subscription: string;
  ask?: boolean;
}

/** The latest presence of one resource (RFC 6121 §4.7). */
export interface ResourcePresence {
  show?: string;
  status?: string;
}

/** An invitation into a room, until it is answered (XEP-0249 direct or XEP-0045 §7.8.2 mediated). */
export interface Invitation {
  room: string;
  /** Who invited (bare JID). */
  from: string;
  password?: string;
  reason?: string;
  mediated: boolean;
}

export class Directory {
  readonly disco = new DiscoCache();
  /** Bookmarks by room JID, as last read from or written to the server. */
  readonly bookmarks = new Map<string, Bookmark>();
  /** Which bookmark storage the server has: XEP-0402 (PEP), XEP-0048 (private XML), or not known yet. */
  bookmarkStore: 'pep' | 'private' | undefined;
  /** The bookmarks of this session have been read; until then writes wait in bookmarkPending. */
  bookmarksReady = false;
  /** Rooms joined or left while the bookmarks were not read yet (written once they are). */
  readonly bookmarkPending = new Map<string, Bookmark | null>();
  readonly roster = new Map<string, RosterItem>();
  /** Bare JID → full JID (or bare for resource-less presence) → presence. */
  readonly presence = new Map<string, Map<string, ResourcePresence>>();
  readonly invites = new Map<string, Invitation>();
}
