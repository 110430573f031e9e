/**
 * The one typed contract every protocol adapter implements (IRC, XMPP, Matrix, email).
 *
 * Adapters report what happened on the network as {@link AdapterEvent}s; the engine persists each one in the store and
 * then notifies the UI. Adapters never touch the store or the UI. All text in events is raw network text: the engine
 * sanitizes it (see sanitize.ts) before anything is stored or shown.
 */
import type {
  Attachment,
  ConnectionState,
  ConversationKind,
  DeliveryState,
  EncryptionInfo,
  MessageKind,
  Participant,
  Protocol,
  Span,
} from './model.js';
import type { Logger } from './logger.js';

/** What a protocol (and this server) supports. The UI and the command layer consult this, never the protocol name. */
export interface Capabilities {
  edits: boolean;
  reactions: boolean;
  replies: boolean;
  retraction: boolean;
  /** Delivery/read receipts for outgoing messages. */
  receipts: boolean;
  typing: boolean;
  /** Server-side history that {@link Adapter.history} can page through. */
  history: boolean;
  e2ee: boolean;
  uploads: boolean;
  presence: boolean;
  threads: boolean;
  /** Remote ids are stable and unique (IRCv3 msgid, XMPP stanza-id, Matrix event id, Message-ID). */
  messageIds: boolean;
  /** Longest body the server takes in one message, in bytes; longer bodies are split by the adapter. */
  maxBodyBytes?: number;
}

/** A conversation as an adapter knows it; merged into the store by (account, remoteId). */
export interface ConversationUpsert {
  remoteId: string;
  kind: ConversationKind;
  title?: string;
  topic?: string;
  joined?: boolean;
  encrypted?: boolean;
  /** Who invited the account into this conversation, while the invitation is unanswered; `null` clears it. */
  invitedBy?: string | null;
  /** Space/group the conversation belongs to (Matrix space id, roster group). */
  parentId?: string;
  ext?: Record<string, unknown>;
}

export interface IncomingMessage {
  conversation: ConversationUpsert;
  /** Protocol message id, when the protocol has one (used for dedup and for edits/reactions targeting it). */
  remoteId?: string;
  /**
   * Other ids peers may use to refer to this message (XMPP: the message `id`/origin-id next to the server's
   * stanza-id, since XEP-0308 corrections and XEP-0444 reactions in 1:1 chats name the former). `message.update`
   * targets resolve against remoteId and these.
   */
  altIds?: string[];
  /** The local id of our own outgoing message when the adapter can tell (IRCv3 labeled-response, XMPP origin-id). */
  localId?: string;
  senderId: string;
  senderName?: string;
  /** `out` for our own messages seen again: echo-message, carbons, history replay, another device of ours. */
  direction: 'in' | 'out';
  kind: MessageKind;
  body: string;
  /** Styled runs when the source carried formatting (IRC codes, Matrix HTML); their text joined equals body. */
  spans?: Span[];
  /** Server time in ms since the epoch; omitted when the server gave none (the engine uses receive time). */
  sentAt?: number;
  replyTo?: string;
  /** Thread root (Matrix `m.thread` relation). */
  threadId?: string;
  attachments?: Attachment[];
  encryption?: EncryptionInfo;
  /** True when the adapter knows this mentions the account (the engine also checks the own name). */
  mentionsMe?: boolean;
  /** From a history fetch or bouncer playback rather than live delivery: never notifies. */
  historical?: boolean;
  ext?: Record<string, unknown>;
}

/**
 * `by` names who made an edit or retraction. The engine applies an edit only when `by` is the original sender, and a
 * retraction only from the original sender or when `moderated` (a room moderator, XEP-0425 / Matrix redaction by a
 * power user, which the adapter has checked against the room's roles): spoofed corrections never change a message.
 */
export type MessageChange =
  | { kind: 'edit'; body: string; spans?: Span[]; editedAt: number; by?: string }
  | { kind: 'retract'; by?: string; moderated?: boolean; reason?: string }
  | { kind: 'reaction'; senderId: string; key: string; add: boolean }
  /**
   * A message that arrived undecryptable (placeholder body, `encryption.error`) became readable because its keys
   * arrived (Megolm key forward or backup restore, OMEMO session repair). Not an edit: the message keeps its time and
   * is not marked edited.
   */
  | { kind: 'decrypted'; body: string; spans?: Span[]; encryption: EncryptionInfo; attachments?: Attachment[] }
  | { kind: 'delivery'; state: DeliveryState; reason?: string };

export type AdapterEvent =
  /** Fires on every change of the connection; `detail` is plain words for the status line. */
  | { type: 'connection'; state: ConnectionState; detail?: string; self?: string }
  /** Fires when a conversation appears or changes (joined, topic, title, left). */
  | { type: 'conversation'; conversation: ConversationUpsert }
  /** Fires for every message received live, replayed, or fetched as history. The engine dedups. */
  | { type: 'message'; message: IncomingMessage }
  /** Fires when an earlier message changes: edit, retraction, reaction, delivery/read state. */
  | { type: 'message.update'; conversationRemoteId: string; targetRemoteId?: string; targetLocalId?: string; change: MessageChange }
  /** Fires when the member list of a conversation is known in full (`replace`) or changes. */
  | { type: 'members'; conversationRemoteId: string; replace?: Participant[]; add?: Participant[]; remove?: string[]; rename?: { from: string; to: string } }
  /** Fires when someone starts or stops writing; `senderName` is how to show them (room nick, display name). */
  | { type: 'typing'; conversationRemoteId: string; senderId: string; senderName?: string; active: boolean }
  /** Fires while an outgoing message's attachment uploads (XEP-0363 PUT, Matrix media upload), and once at the end. */
  | { type: 'transfer'; localId: string; sent: number; total: number }
  | { type: 'presence'; senderId: string; away: boolean; status?: string }
  /** A user-visible notice that belongs to no conversation (server errors, MOTD lines go to the server conversation). */
  | { type: 'notice'; level: 'info' | 'warn' | 'error'; text: string };

export interface OutgoingMessage {
  localId: string;
  conversation: { remoteId: string; kind: ConversationKind };
  kind: 'text' | 'action' | 'notice';
  body: string;
  /** Remote id of the message this one answers (XEP-0461, m.in_reply_to, In-Reply-To, IRCv3 +draft/reply). */
  replyTo?: string;
  /** A local file to upload and send with (or as) this message; the adapter reports progress as `transfer` events. */
  attachment?: OutgoingAttachment;
}

export interface OutgoingAttachment {
  path: string;
  name: string;
  size: number;
  mime: string;
}

/** Resolves when the server accepted the message. */
export interface SendResult {
  remoteId?: string;
  /** Server time of the accepted message, when the server echoes it. */
  sentAt?: number;
  /** Usually `sent`; `delivered` when the protocol confirms delivery in the same step. */
  state: DeliveryState;
  /** How the message was protected end to end (OMEMO version, Megolm, OpenPGP); absent means not encrypted. */
  encryption?: EncryptionInfo;
}

export interface HistoryPage {
  /** Messages in any order; the engine stores and dedups them. */
  messages: IncomingMessage[];
  /** Opaque cursor for the next (older) page; absent when the start of history is reached. */
  next?: string;
}

/** Atomic, per-account key-value space for adapter state (sync tokens, crypto stores). */
export interface KeyValue {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
  /** Several writes in one transaction: all or none land. */
  batch(writes: Array<{ key: string; value: string | undefined }>): void;
}

export interface AdapterContext {
  accountId: string;
  /** The account's validated config section (protocol keys), secrets excluded. */
  config: Readonly<Record<string, unknown>>;
  emit(event: AdapterEvent): void;
  kv: KeyValue;
  log: Logger;
  now(): number;
  /** Resolves a secret (`password`, …) from the config's sources; undefined when none is configured. */
  secret(name: string): Promise<string | undefined>;
}

/**
 * A send whose outcome is certain: the message did not reach the server. `retryable` (not connected, flood-limited)
 * keeps it pending in the outbox for the next connection; otherwise (the server refused it) it is `failed`.
 */
export class SendRejected extends Error {
  override readonly name = 'SendRejected';
  readonly retryable: boolean;
  constructor(readonly reason: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(reason, options);
    this.retryable = options?.retryable ?? false;
  }
}

/** The connection went away before the server confirmed: the message may or may not have arrived. */
export class SendUncertain extends Error {
  override readonly name = 'SendUncertain';
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(reason, options);
  }
}

export interface Adapter {
  readonly protocol: Protocol;
  /** Known after `start` connected; may change on reconnect (e.g. a server that gained CHATHISTORY). */
  readonly capabilities: Capabilities;
  /** Connects and keeps the connection up (reconnecting with backoff) until `stop`. Resolves once started, not online. */
  start(ctx: AdapterContext): Promise<void>;
  /** Disconnects cleanly (QUIT with a reason) and stops reconnecting. */
  stop(reason?: string): Promise<void>;
  /** Resolves when the server accepted the message; rejects with SendRejected or SendUncertain. */
  send(message: OutgoingMessage): Promise<SendResult>;
  join(address: string, options?: { password?: string }): Promise<void>;
  leave(remoteId: string, reason?: string): Promise<void>;
  /** Pages older messages from server-side history, newest first; `before` is the cursor from the last page. */
  history(remoteId: string, before: string | undefined, limit: number): Promise<HistoryPage>;
  /** Protocol command without a portable equivalent (`/nick`, `/topic`, raw lines): name and arguments as typed. */
  command(name: string, args: string[], conversationRemoteId?: string): Promise<void>;
  edit?(remoteId: string, conversationRemoteId: string, body: string): Promise<void>;
  react?(remoteId: string, conversationRemoteId: string, key: string, add: boolean): Promise<void>;
  retract?(remoteId: string, conversationRemoteId: string): Promise<void>;
  markRead?(conversationRemoteId: string, upToRemoteId: string): Promise<void>;
  setTyping?(conversationRemoteId: string, active: boolean): Promise<void>;
  /**
   * Called when the user becomes idle (terminal unfocused / no input for a while) or active again, so the adapter can
   * tell the server to hold back unimportant traffic (XEP-0352 Client State Indication, Matrix presence).
   */
  setActive?(active: boolean): Promise<void>;
  /**
   * Fetches an attachment of a received message into `destination` (a file path the engine chose), decrypting it when
   * it is encrypted (Matrix encrypted media, XEP-0454 aesgcm links). Rejects with a plain-words Error.
   */
  download?(attachment: Attachment, destination: string, onProgress?: (received: number, total?: number) => void): Promise<void>;
  /** Refuses an invitation (a conversation with `invitedBy`). */
  declineInvite?(remoteId: string): Promise<void>;
  /** Case-folds an address the way the network compares them (IRC CASEMAPPING, JID normalization). */
  normalize(address: string): string;
}

