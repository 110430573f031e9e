/**
 * The domain model shared by the engine, the store and the UI. Plain, serializable data only: these shapes cross the
 * engine/UI boundary (and later a Unix socket), so no class instances, functions or Maps.
 */

export type Protocol = 'irc' | 'xmpp' | 'matrix' | 'email';

/** `server` is a protocol's own status buffer (IRC server notices, MOTD); it never holds chat from people. */
export type ConversationKind = 'direct' | 'group' | 'channel' | 'server';

export type ConnectionState = 'connecting' | 'online' | 'offline' | 'error';

/**
 * Delivery of an outgoing message: `pending → sent → delivered → read`, or `failed`.
 * `pending` rows are the outbox; `sent` means the server accepted it (it has a remote id where the protocol gives one).
 */
export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** `action` is /me; `notice` an IRC NOTICE or Matrix m.notice; `event` a membership/topic/nick line; `system` is ours. */
export type MessageKind = 'text' | 'action' | 'notice' | 'event' | 'system';

/** What protected a message end to end. `none` means the message travelled without end-to-end encryption. */
export type EncryptionScheme = 'none' | 'omemo:legacy' | 'omemo:2' | 'olm' | 'megolm' | 'openpgp';

export type TrustLevel = 'verified' | 'trusted' | 'unverified' | 'untrusted' | 'unknown';

export interface EncryptionInfo {
  scheme: EncryptionScheme;
  /** The sending device (OMEMO device id, Matrix device id, OpenPGP fingerprint). */
  senderDevice?: string;
  trust?: TrustLevel;
  /** Why the message could not be decrypted; the body then holds a placeholder, never ciphertext. */
  error?: string;
}

/** A run of text with terminal styles. Colours are 0–15 (mIRC/ANSI palette) or `#rrggbb`. */
export interface Span {
  text: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  strike?: boolean;
  code?: boolean;
  fg?: string;
  bg?: string;
  /** Link target for a URL span (OSC 8 capable terminals). */
  href?: string;
}

export type Role = 'owner' | 'admin' | 'moderator' | 'voice' | 'member' | 'guest';

export interface Participant {
  /** Protocol address of the participant (IRC nick, JID, MXID, email address). */
  id: string;
  name: string;
  role: Role;
  /** What the protocol shows before the name, e.g. IRC prefixes `@+`. */
  badge?: string;
  away?: boolean;
  /** Account name the server vouches for (IRCv3 account-tag, XMPP real JID). */
  account?: string;
}

export interface Account {
  /** The config name of the account; stable across restarts and the key everything else is scoped by. */
  id: string;
  protocol: Protocol;
  /** Own address on the network (nick, JID, MXID, email). */
  self?: string;
  state: ConnectionState;
  /** Plain words for the status line, e.g. "reconnecting in 8 s: connection refused". */
  detail?: string;
}

export interface Conversation {
  /** Opaque local id, unique across accounts. */
  id: string;
  accountId: string;
  /** Address on the network: `#natter`, `bob`, `room@muc.example`, `!room:hs`. Compared case-folded per protocol. */
  remoteId: string;
  kind: ConversationKind;
  title: string;
  topic?: string;
  unread: number;
  mentions: number;
  /** Sequence of the last message the user has seen; messages after it are unread. */
  lastReadSeq: number;
  lastActivityAt: number;
  /** Closed conversations stay in the store but leave the sidebar until a new message arrives. */
  closed: boolean;
  /** Whether the account is currently a member (joined a channel, in a room). */
  joined: boolean;
  encrypted: boolean;
  /** Who invited the account here while the invitation is unanswered (`/join` accepts, `/decline` refuses). */
  invitedBy?: string;
  /** Space/group the conversation belongs to (Matrix space id, roster group). */
  parentId?: string;
  ext?: Record<string, unknown>;
}

/** A file attached to a message: an upload link (XEP-0363/0066), a Matrix media event, a MIME attachment. */
export interface Attachment {
  /** Where to fetch it: `https:`, `mxc:`, `aesgcm:` (XEP-0454), or `cid:`/`file:` for a locally stored part. */
  url: string;
  name?: string;
  size?: number;
  mime?: string;
  /** Set when the file itself is encrypted (aesgcm links, Matrix encrypted media); what decrypts it stays in ext. */
  encrypted?: boolean;
}

export interface Reaction {
  key: string;
  senders: string[];
}

export interface Message {
  /** Local id: assigned when the message first enters the store (or by the composer for outgoing ones). */
  id: string;
  /** Store order within a conversation; also the paging cursor. */
  seq: number;
  accountId: string;
  conversationId: string;
  remoteId?: string;
  senderId: string;
  senderName: string;
  direction: 'in' | 'out';
  kind: MessageKind;
  /** Sanitized plain text: safe to print, used for search. */
  body: string;
  /** Styled runs of the same text when the source had formatting. */
  spans?: Span[];
  /** Server time (ms since epoch) where the protocol gives one, else local receive time. */
  sentAt: number;
  receivedAt: number;
  replyTo?: string;
  editedAt?: number;
  retracted: boolean;
  delivery?: DeliveryState;
  failure?: string;
  encryption: EncryptionInfo;
  mentionsMe: boolean;
  reactions: Reaction[];
  attachments?: Attachment[];
  /** Thread root this message belongs to (Matrix threads); shown as a reply with a thread marker. */
  threadId?: string;
  /** Who retracted it, when `retracted`: a moderator's removal carries `moderated` and maybe a reason. */
  retraction?: { by?: string; moderated?: boolean; reason?: string };
  /**
   * The message `replyTo` names, as the engine found it when reading the page (by remote id or alt id); absent when
   * that message is not stored here. Filled on read, never stored.
   */
  replyPreview?: { senderName: string; body: string; retracted?: boolean };
  /** Progress of an own message's attachment upload while it is pending (from `transfer` events); never stored. */
  transfer?: { sent: number; total: number };
  ext?: Record<string, unknown>;
}

export interface SearchHit {
  message: Message;
  conversationTitle: string;
  /** The body with matches wrapped in U+0002 … U+0003 markers (never shown raw: the UI turns them into styles). */
  snippet: string;
}

/** Where a timeline page starts or ends. Messages are ordered by (sentAt, seq). */
export interface PageCursor {
  sentAt: number;
  seq: number;
}
